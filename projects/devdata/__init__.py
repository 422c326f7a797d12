"""Data for development, tests and benchmarks, not business rules: the 2015 卫东区 demo
(`manage.py load_demo`) and the generator of province-scale lists (`manage.py generate_scale_data`)."""
