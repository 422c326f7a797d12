"""How dates read everywhere: 2015年9月28日 in running text, 2015-09-28 in tables.

Templates name the format, never spell one: sentences, headings and quoted notes use
``|date:"DATE_FORMAT"`` / ``|date:"DATETIME_FORMAT"``; table cells, label–value lists and logs use
``|date:"SHORT_DATE_FORMAT"`` / ``|date:"SHORT_DATETIME_FORMAT"``. Date inputs keep ISO
(``forms.DATE_INPUT``), as browsers require. What is not set here is Django's own zh_Hans.
"""

DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
