#!version:1.0.0.1
account.1.label = {{ label
account.1.enable = 1
{% endif %}
