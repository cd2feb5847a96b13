import os

from django.core.wsgi import get_wsgi_application

from .front import FrontDoor

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

# Kept answers of the first middlewares go out before Django's handler (factcheck/front.py).
application = FrontDoor(get_wsgi_application())
