"""``POST /api/v1/tips/``: a partner sends a claim to check; it lands in the desk's inbox.

Write-only: a tip is staff-only data, so no partner read (claims, DataFeed, webhooks)
ever shows one, and this endpoint answers with the new tip's id alone. Partner keys only
(a staff member sends tips through the desk), rate-limited per key (``TIPS_API_RATE``).
The checks are the service's (``intake.tips.tip_submit``); its errors are a 400
``invalid`` with each field's messages, in the API's error shape.
"""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from claims.models import LANGUAGE_RE
from intake.models import Tip
from intake.tips import tip_submit

from ..models import PartnerKey
from .authentication import PartnerKeyAuthentication, StaffTokenAuthentication
from .schema import errors
from .throttling import PartnerRateThrottle


class IsPartner(BasePermission):
    """A valid partner key (tips come from partner newsrooms, each named by its key)."""

    message = "A partner API key is required to send tips."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, PartnerKey)


class TipInput(serializers.Serializer):
    """Strings as the schema says (``7`` is not a string here); the text rule, the length
    and the rest are the service's checks."""

    text = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="The claim as it was said or written (at most `TIPS_MAX_LENGTH` "
        "characters, 5000 by default). Send `text`, `url` or both.",
    )
    url = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2048,
        trim_whitespace=False,
        help_text="Where the claim was made (http or https; never fetched by the desk).",
    )
    email = serializers.EmailField(
        required=False,
        allow_blank=True,
        max_length=254,
        help_text="The address of a reader who wants the verdict's link once it is "
        "published (mailed once, then deleted).",
    )
    language = serializers.RegexField(
        LANGUAGE_RE,
        required=False,
        allow_blank=True,
        max_length=35,
        help_text="The claim's language as a BCP 47 tag (`de`, `en`); also the language of "
        "the e-mail.",
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict):
            wrong = {
                name: [_("Not a string.")]
                for name in self.fields
                if data.get(name) is not None and not isinstance(data.get(name), str)
            }
            if wrong:
                raise serializers.ValidationError(wrong)
        return super().to_internal_value(data)


class TipCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        help_text="The tip's id (for your records; tips are not readable through the API)."
    )


class TipCreateView(GenericAPIView):
    # Staff tokens are known (and refused with a 403 that says why), not taken for none.
    authentication_classes = [PartnerKeyAuthentication, StaffTokenAuthentication]
    permission_classes = [IsPartner]
    throttle_classes = [PartnerRateThrottle]
    throttle_scope = "tips"
    serializer_class = TipInput
    metadata_class = None

    @extend_schema(
        operation_id="tips_create",
        summary="Send a claim to check (a tip)",
        description=(
            "The claim's `text` or its `url` (or both), optionally the `email` of a reader "
            "who wants the verdict's link and the `language`. The tip lands in the desk's "
            "inbox, matched against the published checks. Tips are never shown by any read "
            "of this API, nor by webhooks. Partner keys only; rate-limited per key."
        ),
        request=TipInput,
        auth=[{"ApiKeyAuth": []}],
        responses={201: TipCreatedSerializer, **errors(400, 401, 403, 415, 429)},
    )
    def post(self, request: Request) -> Response:
        serializer = TipInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        tip = tip_submit(
            text=data.get("text", ""),
            url=data.get("url", ""),
            email=data.get("email", ""),
            language=data.get("language", ""),
            channel=Tip.Channel.PARTNER,
            partner_name=request.auth.name,
        )
        return Response({"id": tip.pk}, status=status.HTTP_201_CREATED)
