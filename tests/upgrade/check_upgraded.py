"""After the upgrade: every partner key still authenticates (or is still revoked), and so
does the staff token, now stored as a hash.

Run with the new code's ``manage.py shell``; reads the keys from ``UPGRADE_KEYS`` (JSON).
Prints one JSON line with what it found.
"""

import json
import os

from django.contrib.auth.models import Permission
from django.test import Client
from knox.models import AuthToken

from partners.models import PartnerKey, Webhook, WebhookDelivery

data = json.loads(os.environ["UPGRADE_KEYS"])
client = Client()
found = {"keys": {}, "claims": None}
for name, key in data["keys"].items():
    response = client.get("/api/v1/claims/", HTTP_AUTHORIZATION=f"Api-Key {key}")
    found["keys"][name] = response.status_code
    if response.status_code == 200:
        found["claims"] = sorted(item["id"] for item in response.json()["results"])
found["is_valid"] = {name: PartnerKey.objects.is_valid(key) for name, key in data["keys"].items()}
staff = client.get("/api/v1/desk/articles/", HTTP_AUTHORIZATION=f"Token {data['staff_token']}")
found["staff_token"] = staff.status_code
found["staff_token_rows"] = [
    [row.user.username, row.digest == data["staff_token"]] for row in AuthToken.objects.all()
]
found["webhooks"] = Webhook.objects.count()
found["deliveries"] = WebhookDelivery.objects.count()
found["permissions"] = sorted(
    Permission.objects.filter(content_type__app_label="partners").values_list("codename", flat=True)
)
print("CHECKED " + json.dumps(found))
