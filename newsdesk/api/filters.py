"""Query parameters of the desk API's lists."""

from rest_framework import serializers

from claims.models import Claim
from partners.api.filters import PageQuery


class DeskClaimQuery(PageQuery):
    status = serializers.ChoiceField(choices=Claim.Status.choices, required=False)
    article = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
