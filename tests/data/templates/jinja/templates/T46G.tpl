{% extends 'base.tpl' -%}

{% block model_specific_parameters -%}
gui_lang.url = {{ XX_server_url }}/lang/T46G.lang
lang.gui = {{ XX_lang|d('English') }}
{% endblock %}
