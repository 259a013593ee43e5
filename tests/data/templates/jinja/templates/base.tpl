#!version:1.0.0.1
{# written for cfgtool's tests #}
static.auto_provision.server.url = {{ XX_server_url }}/
{% for line_no, line in sip_lines.items() %}
account.{{ line_no }}.enable = 1
account.{{ line_no }}.label = {{ line['display_name']|d('%NULL%') }}
{% endfor %}
{% for key in fkeys -%}
linekey.{{ loop.index }}.type = {{ key.type }}
{% else -%}
linekey.1.type = 0
{% endfor %}
{%- if ntp_ip %}
local_time.ntp_server1 = {{ ntp_ip }}
{% elif ntp_pool %}
local_time.ntp_server1 = {{ ntp_pool }}
{% else %}
local_time.ntp_server1 = pool.ntp.org
{% endif %}
{% raw %}
# {{ kept }} as written
{% endraw %}
{% include 'common_keys.tpl' %}
{% block model_specific_parameters %}{% endblock %}
features.dnd.enable = 0
