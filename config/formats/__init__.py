"""Date formats of the tracker's one language (settings.FORMAT_MODULE_PATH); see zh_Hans/formats.py."""
