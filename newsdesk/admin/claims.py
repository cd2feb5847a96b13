"""The desk's admin: where fact-checkers and editors work all day.

Admin classes parse input and call services; they never change state themselves.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from claims import anchoring, selectors, services
from claims.models import Article, Claim, Correction, Rating, RatingScale, Speaker, Verdict

from .conversation import ConversationMixin
from .errors import DeskErrorMessages
from .history import ReadOnlyHistoryAdmin, viewing_history
from .intake import ArticleImportAdminMixin
from .sources import CitationInline, CitedSourcesFlagMixin, SourcesFlaggedFilter
from .speakers import merge_speakers
from .split import SplitViewMixin
from .workflow import WorkflowViewsMixin

admin.site.site_header = _("Fact-checking desk")
admin.site.site_title = _("Fact-checking desk")
admin.site.index_title = _("Desk")


def status_badge(claim: Claim) -> str:
    return format_html(
        '<span class="desk-status desk-status--{}">{}</span>',
        claim.status,
        claim.get_status_display(),
    )


# --- Articles ---------------------------------------------------------------------------


class ArticleCorrectionForm(forms.ModelForm):
    """The article form of an editor when published fact-checks quote the article: any
    change is a correction of each of them, with one public note."""

    correction_note = forms.CharField(
        label=_("Public correction note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text=_(
            "Shown with its date on the page of every published fact-check that quotes "
            "this article: say what changed."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        # The instance still holds the saved values here (the model is updated after).
        self.public_changes = services.article_changes(
            article=self.instance,
            changes={
                name: cleaned[name]
                for name in self.changed_data
                if name in services.ARTICLE_EDITABLE_FIELDS and name in cleaned
            },
        )
        if self.public_changes and not (cleaned.get("correction_note") or "").strip():
            self.add_error(
                "correction_note",
                _(
                    "Published fact-checks quote this article: say in a public correction "
                    "note what changed; it is shown on each of their pages."
                ),
            )
        return cleaned


# How a user may change an article, by the claims that quote it (``services.article_update``
# is the rule; the form only shows it).
_FREE, _CORRECT, _EDITORS_ONLY, _RETRACTED = "free", "correct", "editors only", "retracted"


class ArticleAdmin(
    ArticleImportAdminMixin, SplitViewMixin, DeskErrorMessages, ReadOnlyHistoryAdmin
):
    list_display = (
        "title",
        "outlet",
        "language",
        "published_on",
        "import_state_display",
        "claim_count",
        "split_link",
        "created_at",
    )
    list_filter = ("import_state", "language", "outlet")
    search_fields = ("title", "outlet", "url")
    date_hierarchy = "created_at"
    readonly_fields = ("created_by", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "outlet", "url", "language", "published_on")}),
        (_("Text"), {"fields": ("text",)}),
        (_("Record"), {"fields": ("created_by", "created_at", "updated_at")}),
    )

    def _rule(self, request, obj: Article | None) -> str:
        if obj is None or viewing_history(request):
            return _FREE
        statuses = selectors.article_public_statuses(article_id=obj.pk)
        if Claim.Status.RETRACTED in statuses:
            return _RETRACTED
        if Claim.Status.PUBLISHED in statuses:
            if request.user.has_perm(services.ARTICLE_CORRECT_PERMISSION):
                return _CORRECT
            return _EDITORS_ONLY
        return _FREE

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if self._rule(request, obj) in (_EDITORS_ONLY, _RETRACTED):
            readonly += tuple(f for f in services.ARTICLE_EDITABLE_FIELDS if f not in readonly)
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        rule = self._rule(request, obj)
        if rule == _CORRECT:
            description = _(
                "Published fact-checks quote this article: a change to it is published as a "
                "correction of each of them, with the note below."
            )
            fieldsets.append(
                (
                    _("Public correction"),
                    {"fields": ("correction_note",), "description": description},
                )
            )
        elif rule in (_EDITORS_ONLY, _RETRACTED):
            description = (
                _(
                    "Published fact-checks quote this article: only an editor can change it, "
                    "with a public correction note."
                )
                if rule == _EDITORS_ONLY
                else _(
                    "A retracted fact-check quotes this article, and its page stays as it "
                    "was when it was retracted: the article can no longer be changed."
                )
            )
            name, options = fieldsets[0]
            fieldsets[0] = (name, {**options, "description": description})
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._rule(request, obj) == _CORRECT:
            kwargs["form"] = ArticleCorrectionForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_total=Count("claims"))

    @admin.display(description=_("claims"), ordering="claim_total")
    def claim_count(self, obj: Article) -> int:
        return obj.claim_total

    @admin.display(description=_("split"))
    def split_link(self, obj: Article) -> str:
        if obj.import_state != Article.ImportState.IMPORTED:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:claims_article_importing", args=[obj.pk]),
                _("Importing…") if obj.import_state == "importing" else _("Why it failed"),
            )
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:claims_article_split", args=[obj.pk]),
            _("Split into claims"),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            created = services.article_create(
                title=obj.title,
                text=obj.text,
                language=obj.language,
                outlet=obj.outlet,
                url=obj.url,
                published_on=obj.published_on,
                created_by=request.user,
            )
            obj.pk = created.pk
            return
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.ARTICLE_EDITABLE_FIELDS
        }
        _article, report = services.article_update(
            article=obj,
            user=request.user,
            changes=changes,
            note=form.cleaned_data.get("correction_note", ""),
        )
        if getattr(form, "public_changes", None):
            self.message_user(
                request,
                _(
                    "The change is published as a correction on every published fact-check "
                    "that quotes this article."
                ),
                messages.SUCCESS,
            )
        if report is not None:
            self.message_user(
                request,
                _(
                    "Claims re-anchored: %(exact)d exact, %(moved)d moved, %(fuzzy)d fuzzy, "
                    "%(orphaned)d orphaned."
                )
                % report.__dict__,
                messages.WARNING if report.orphaned else messages.SUCCESS,
            )


# --- Speakers ---------------------------------------------------------------------------


class SpeakerAdmin(DeskErrorMessages, ReadOnlyHistoryAdmin):
    list_display = ("name", "kind", "description", "alias_list", "wikidata_id", "claim_count")
    list_filter = ("kind",)
    search_fields = ("name", "slug", "aliases", "description", "wikidata_id")
    ordering = ("name",)
    actions = (merge_speakers,)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        # The slug is the public speaker page's address: made once, from the name.
        return (*readonly, "slug") if obj is not None and "slug" not in readonly else readonly

    def get_exclude(self, request, obj=None):
        return ("slug",) if obj is None else ()

    def save_model(self, request, obj, form, change):
        if not change:
            created = services.speaker_create(
                name=obj.name,
                kind=obj.kind,
                aliases=obj.aliases,
                description=obj.description,
                wikidata_id=obj.wikidata_id,
                pronoun=obj.pronoun,
            )
            obj.pk, obj.slug = created.pk, created.slug
            return
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.SPEAKER_EDITABLE_FIELDS
        }
        services.speaker_update(speaker=obj, user=request.user, changes=changes)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_total=Count("claims"))

    def get_search_results(self, request, queryset, search_term):
        """The claim form's speaker search (autocomplete) and the list also find the speaker
        a typed alias or near-identical spelling means, in any case, accents folded."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        found = selectors.speaker_for_name(search_term) if search_term.strip() else None
        if found is not None:
            results = results | queryset.filter(pk=found[0].pk)
        return results, may_have_duplicates

    @admin.display(description=_("aliases"))
    def alias_list(self, obj: Speaker) -> str:
        return ", ".join(obj.aliases)

    @admin.display(description=_("claims"), ordering="claim_total")
    def claim_count(self, obj: Speaker) -> int:
        return obj.claim_total


# --- Rating scales -----------------------------------------------------------------------


class RatingInline(admin.TabularInline):
    model = Rating
    extra = 0
    fields = (
        "value",
        "slug",
        "label_de",
        "label_en",
        "symbol",
        "colour",
        "definition_de",
        "definition_en",
    )


class RatingScaleAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "best_value", "worst_value", "is_default")
    inlines = [RatingInline]


class RatingAdmin(admin.ModelAdmin):
    list_display = ("label_de", "label_en", "value", "slug", "scale")
    list_filter = ("scale",)
    search_fields = ("label_de", "label_en", "slug")
    ordering = ("scale", "-value")


# --- Claims -------------------------------------------------------------------------------


class ClaimChangeForm(forms.ModelForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Claim
        fields = ("claim", "speaker", "attribution", "stated_on", "assignee")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["base_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        base = cleaned.get("base_version")
        if self.instance.pk and base is not None:
            current = (
                Claim.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            )
            if current is not None and current != base:
                latest = self.instance.history.select_related("history_user").first()
                who = getattr(latest, "history_user", None) if latest else None
                raise forms.ValidationError(
                    _(
                        "This claim was changed by %(who)s while you were editing "
                        "(your version %(yours)s, now %(current)s). Nothing was saved: "
                        "open the history to see what changed, reload, and apply your edit again."
                    )
                    % {"who": who or _("someone"), "yours": base, "current": current}
                )
        return cleaned


class ClaimAddForm(forms.ModelForm):
    class Meta:
        model = Claim
        fields = (
            "article",
            "start",
            "end",
            "speaker",
            "claim",
            "attribution",
            "stated_on",
            "assignee",
        )

    def clean(self):
        cleaned = super().clean()
        article, start, end = cleaned.get("article"), cleaned.get("start"), cleaned.get("end")
        if article is not None and start is not None and end is not None:
            try:
                anchoring.selector_for_span(article.text, start, end)
            except anchoring.SpanError as error:
                raise forms.ValidationError(str(error)) from error
        return cleaned

    def _post_clean(self):
        # exact/prefix/suffix/slug are derived by the service; skip model validation here.
        pass


class VerdictInlineForm(forms.ModelForm):
    class Meta:
        model = Verdict
        fields = ("rating", "headline", "summary", "explanation")
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "explanation": forms.Textarea(attrs={"rows": 10}),
        }


class VerdictInline(admin.StackedInline):
    model = Verdict
    form = VerdictInlineForm
    can_delete = False
    extra = 0
    max_num = 1
    readonly_fields = ("author", "reviewer", "published_at", "updated_at")
    autocomplete_fields = ("rating",)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status not in (Claim.Status.DRAFT, Claim.Status.IN_REVIEW):
            return False
        return super().has_change_permission(request, obj)


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    fields = ("created_at", "note", "created_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class LanguageFilter(admin.SimpleListFilter):
    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        languages = Article.objects.order_by().values_list("language", flat=True).distinct()
        return [(code, code) for code in sorted(languages)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(article__language=self.value())
        return queryset


class ClaimAdmin(
    ConversationMixin,
    CitedSourcesFlagMixin,
    WorkflowViewsMixin,
    DeskErrorMessages,
    ReadOnlyHistoryAdmin,
):
    actions = ["assign_selected"]
    list_display = (
        "claim",
        "speaker",
        "status_column",
        "rating_column",
        "assignee",
        "language",
        "anchor_column",
        "sources_flag",
        "updated_at",
    )
    list_display_links = ("claim",)
    list_filter = (
        "status",
        ("speaker", admin.RelatedOnlyFieldListFilter),
        ("verdict__rating", admin.RelatedOnlyFieldListFilter),
        ("assignee", admin.RelatedOnlyFieldListFilter),
        LanguageFilter,
        SourcesFlaggedFilter,
        "attribution",
        "anchor_status",
    )
    search_fields = ("claim", "exact", "speaker__name", "article__title", "slug")
    autocomplete_fields = ("speaker", "assignee", "article")
    list_select_related = ("speaker", "assignee", "article", "verdict__rating")
    list_per_page = 50
    date_hierarchy = "updated_at"
    inlines = [VerdictInline, CitationInline, CorrectionInline]
    readonly_change_fields = (
        "article",
        "status",
        "version",
        "start",
        "end",
        "exact",
        "prefix",
        "suffix",
        "anchor_status",
        "anchor_score",
        "slug",
        "created_by",
        "created_at",
        "updated_at",
        "published_at",
        "retracted_at",
        "retraction_reason",
        "quote_in_article",
    )

    def view_on_site(self, obj: Claim) -> str | None:
        # Only public claims have a page; a draft's link would be a 404.
        return obj.get_absolute_url() if obj.is_public else None

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ClaimChangeForm if obj is not None else ClaimAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is None:
            return readonly
        readonly += self.readonly_change_fields
        if obj.status not in (Claim.Status.DRAFT, Claim.Status.IN_REVIEW):
            # Public: wording, speaker and attribution change only through the workflow
            # (``services.claim_update`` refuses them too).
            readonly += ("claim", "speaker", "attribution", "stated_on")
        return tuple(dict.fromkeys(readonly))

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return (
                (None, {"fields": ("article", "start", "end", "speaker", "claim", "attribution")}),
                (_("Desk"), {"fields": ("stated_on", "assignee")}),
            )
        # The page reads claim → quote → verdict → sources → corrections (the inlines);
        # the technical fields follow collapsed (change_form.html renders the fieldsets
        # marked "desk-technical" after the inlines).
        return (
            (
                None,
                {
                    "fields": (
                        "claim",
                        "speaker",
                        "attribution",
                        "stated_on",
                        "status",
                        *(("retraction_reason",) if obj.status == Claim.Status.RETRACTED else ()),
                        "assignee",
                        "base_version",
                    )
                },
            ),
            (_("Quote"), {"fields": ("quote_in_article", "article", "anchor_status")}),
            (
                _("Technical details"),
                {
                    "classes": ("collapse", "desk-technical"),
                    "fields": (
                        "start",
                        "end",
                        "prefix",
                        "suffix",
                        "anchor_score",
                        "version",
                        "slug",
                        "created_by",
                        "created_at",
                        "updated_at",
                        "published_at",
                        "retracted_at",
                    ),
                },
            ),
        )

    @admin.display(description=_("quote"))
    def quote_in_article(self, obj: Claim) -> str:
        # The offsets are for machines: a tooltip, not text on the page.
        return format_html(
            '<q class="desk-quote" title="{}">{}</q>',
            _("Characters %(start)s–%(end)s of the article") % {"start": obj.start, "end": obj.end},
            obj.exact,
        )

    @admin.display(description=_("status"), ordering="status")
    def status_column(self, obj: Claim) -> str:
        return status_badge(obj)

    @admin.display(description=_("rating"), ordering="verdict__rating__value")
    def rating_column(self, obj: Claim) -> str:
        rating = getattr(getattr(obj, "verdict", None), "rating", None)
        if rating is None:
            return "–"
        return format_html("{} {}", rating.symbol, rating.label)

    @admin.display(description=_("language"), ordering="article__language")
    def language(self, obj: Claim) -> str:
        return obj.article.language

    @admin.display(description=_("anchoring"), ordering="anchor_status")
    def anchor_column(self, obj: Claim) -> str:
        if obj.anchor_status == Claim.Anchor.ORPHANED:
            return format_html(
                '<strong class="desk-orphan">⚠ {}</strong>', obj.get_anchor_status_display()
            )
        if obj.anchor_status == Claim.Anchor.FUZZY:
            return format_html("{} ({:.0%})", obj.get_anchor_status_display(), obj.anchor_score)
        return obj.get_anchor_status_display()

    def has_delete_permission(self, request, obj=None):
        # A public verdict is retracted, never deleted: its page must keep saying so.
        # (The bulk delete action checks this for every selected object too.)
        if obj is not None and obj.is_public:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        # The verdict inline is saved after this against the version the user saw.
        obj._expected_version = data.get("base_version")
        if not change:
            created = services.claim_create_from_span(
                article=data["article"],
                start=data["start"],
                end=data["end"],
                speaker=data["speaker"],
                claim=data["claim"],
                attribution=data["attribution"],
                stated_on=data.get("stated_on") or "",
                created_by=request.user,
                assignee=data.get("assignee"),
            )
            obj.pk, obj.version, obj.slug = created.pk, created.version, created.slug
            obj._expected_version = created.version
            return
        changes = {f: data[f] for f in form.changed_data if f in services.CLAIM_EDITABLE_FIELDS}
        if changes:
            updated = services.claim_update(
                claim=obj, user=request.user, version=data.get("base_version"), changes=changes
            )
            obj.version = updated.version
            obj._expected_version = updated.version

    def save_formset(self, request, form, formset, change):
        if formset.model is not Verdict:
            return super().save_formset(request, form, formset, change)
        # The verdict is saved by the service (version check, history, author).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        claim = form.instance
        for verdict_form in formset.forms:
            if not verdict_form.has_changed():
                continue
            data = verdict_form.cleaned_data
            verdict = services.verdict_update(
                claim=claim,
                user=request.user,
                # A stale form is refused here too (StaleVersion → an admin message).
                version=getattr(claim, "_expected_version", None) or claim.version,
                rating=data.get("rating"),
                headline=data.get("headline", ""),
                summary=data.get("summary", ""),
                explanation=data.get("explanation", ""),
            )
            formset.changed_objects.append((verdict, verdict_form.changed_data))
        return None


class VerdictAdmin(ReadOnlyHistoryAdmin):
    """Verdicts to look up and their history; a verdict is written on its claim's page
    (``ClaimAdmin``, through ``services.verdict_update``) and corrected through the
    workflow, never saved here."""

    list_display = (
        "claim",
        "rating",
        "headline",
        "author",
        "reviewer",
        "published_at",
        "updated_at",
    )
    list_filter = (
        ("rating", admin.RelatedOnlyFieldListFilter),
        ("author", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("headline", "summary", "claim__claim")
    list_select_related = ("claim", "rating", "author", "reviewer")
    readonly_fields = (
        "claim",
        "rating",
        "headline",
        "summary",
        "explanation",
        "author",
        "reviewer",
        "published_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        # A verdict belongs to a claim and is edited there.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleted with its claim only: a published verdict is retracted, never deleted.
        return False


class CorrectionAdmin(admin.ModelAdmin):
    list_display = ("claim", "note", "created_by", "created_at")
    search_fields = ("note", "claim__claim")
    list_select_related = ("claim", "created_by")
    readonly_fields = ("claim", "note", "created_by", "created_at")

    def has_add_permission(self, request):
        # Corrections are written through the correct action on a published claim.
        return False

    def has_change_permission(self, request, obj=None):
        # A public note, as published: it is never edited afterwards.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Article, ArticleAdmin)
admin.site.register(Speaker, SpeakerAdmin)
admin.site.register(RatingScale, RatingScaleAdmin)
admin.site.register(Rating, RatingAdmin)
admin.site.register(Claim, ClaimAdmin)
admin.site.register(Verdict, VerdictAdmin)
admin.site.register(Correction, CorrectionAdmin)
