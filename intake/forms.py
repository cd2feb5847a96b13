"""The public "Send us a claim" form. Its checks are the service's (``intake.tips``); the
form only carries the fields and the honeypot."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The honeypot's name: a field people never see (hidden) that form-filling bots fill in.
HONEYPOT = "website"


class TipForm(forms.Form):
    text = forms.CharField(
        label=_("The claim"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What was said or written, in its own words if you can."),
    )
    url = forms.CharField(
        label=_("Link"),
        required=False,
        strip=False,
        widget=forms.URLInput(attrs={"maxlength": 2048, "inputmode": "url"}),
        help_text=_("Where you saw it: the address of the article, post or video."),
    )
    email = forms.CharField(
        label=_("Your e-mail address (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"maxlength": 254, "autocomplete": "email"}),
        help_text=_("Only if you want us to send you the link to our verdict."),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs["maxlength"] = settings.TIPS_MAX_LENGTH

    def is_trap(self) -> bool:
        """A bot filled in the field no person sees."""
        return bool(self.data.get(HONEYPOT, "").strip())
