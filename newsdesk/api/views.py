"""The desk API: the admin's workflow as JSON, through the same services and permissions.

Staff only (token, or session with CSRF). Each view parses input with a serializer,
calls one service (``claims.services``, ``claims.workflow``, ``sources.services``) with
``request.user``, and answers with the claim (or article, citation, source) as it is
after the change. Domain errors become 400/403/409 in ``api.exceptions``.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from claims import comments, services, workflow
from claims.models import Article, Claim, Rating, Speaker
from claims.selectors import speaker_for_name
from claims.suggestions import article_suggestions
from intake.importing import article_import_start
from partners.api.authentication import StaffTokenAuthentication
from partners.api.filters import PageQuery, parse_query
from partners.api.pagination import DeskCursorPagination
from partners.api.parsers import StrictJSONParser
from partners.api.schema import errors
from sources import services as source_services

from . import selectors
from .filters import DeskClaimQuery
from .permissions import HasDeskPermissions, IsDeskStaff
from .serializers import (
    ArticleCreateInput,
    ArticleCreateOrImportInput,
    ArticleImportInput,
    CitationInput,
    ClaimCreateInput,
    CommentInput,
    CommentSerializer,
    CorrectInput,
    DeskArticleDetailSerializer,
    DeskArticleSerializer,
    DeskCitationSerializer,
    DeskClaimDetailSerializer,
    DeskClaimSerializer,
    DeskSourceSerializer,
    PublishInput,
    PublishResultSerializer,
    RequestChangesInput,
    RetractInput,
    SuggestionListSerializer,
    TransitionInput,
    VerdictInput,
    article_data,
    citation_data,
    claim_summary_data,
    comment_data,
    desk_claim_data,
    suggestion_data,
)


def _id(description: str) -> OpenApiParameter:
    return OpenApiParameter("id", int, OpenApiParameter.PATH, description=description)


CLAIM_ID = _id("The claim's id.")
# 429: too many failed tokens from the client's address (partners/api/throttling.py).
READ_ERRORS = errors(400, 401, 403, 429)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 415, 429)


class DeskView(GenericAPIView):
    """Base of the desk API. ``required_permissions``: see ``HasDeskPermissions``."""

    authentication_classes = [StaffTokenAuthentication, SessionAuthentication]
    permission_classes = [IsDeskStaff, HasDeskPermissions]
    parser_classes = [StrictJSONParser]
    pagination_class = DeskCursorPagination
    # No OPTIONS metadata (no CORS here): OPTIONS is a 405 with the Allow header.
    metadata_class = None
    required_permissions: dict[str, list[str]] = {}

    def input(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @property
    def user(self) -> AbstractBaseUser:
        return self.request.user

    def current_claim_data(self, claim: Claim) -> dict[str, Any] | None:
        """The claim as it is now, for a 409 ``stale_version`` (``detail.current``)."""
        current = selectors.desk_claim(claim.pk)
        return desk_claim_data(current) if current is not None else None


def _claim(pk: int) -> Claim:
    claim = Claim.objects.defer("search_vector").filter(pk=pk).first()
    if claim is None:
        raise NotFound(_("There is no claim with this id."))
    return claim


def _claim_response(pk: int, *, status_code: int = status.HTTP_200_OK, **extra: Any) -> Response:
    claim = selectors.desk_claim(pk)
    if claim is None:
        raise NotFound(_("There is no claim with this id."))
    return Response({**desk_claim_data(claim), **extra}, status=status_code)


def _transition_permission(action: str) -> dict[str, list[str]]:
    """The permission of a workflow action, from the one table (``workflow.TRANSITIONS``)."""
    return {"POST": [workflow.TRANSITIONS[action].permission]}


def _rating(slug: str | None, field: str = "rating") -> Rating | None:
    if slug is None:
        return None
    rating = (
        Rating.objects.filter(scale__is_default=True, slug=slug).select_related("scale").first()
    )
    if rating is None:
        raise serializers.ValidationError(
            {field: [_("Unknown rating %(slug)s (see /api/v1/ratings/).") % {"slug": slug}]}
        )
    return rating


# --- Articles ---------------------------------------------------------------------------------


class ArticleListView(DeskView):
    required_permissions = {"GET": ["claims.view_article"], "POST": ["claims.add_article"]}

    @extend_schema(
        operation_id="desk_articles_list",
        summary="Articles, newest first",
        parameters=[PageQuery],
        responses={200: DeskArticleSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        parse_query(PageQuery, request)
        page = self.paginate_queryset(selectors.desk_articles())
        return self.get_paginated_response([article_data(a) for a in page])

    @extend_schema(
        operation_id="desk_articles_create",
        summary="Import an article: pasted text, or fetched from its URL",
        description=(
            "With `text`: the article as pasted (201). With only `url`: the article is "
            "fetched in the background through the SSRF-safe fetcher (202, `import_state` "
            "`importing`; poll `GET articles/{id}/` until it is `imported` or `failed`); "
            "the same article again (its URL, canonical URL or text) answers 200 with the "
            "article the desk has. An address that is not a web address, or that the "
            "fetcher refuses (a private or metadata address), is a 400."
        ),
        request=ArticleCreateOrImportInput,
        responses={
            200: DeskArticleDetailSerializer,
            201: DeskArticleDetailSerializer,
            202: DeskArticleDetailSerializer,
            **errors(400, 401, 403, 415, 429),
        },
    )
    def post(self, request: Request) -> Response:
        body = request.data
        if isinstance(body, dict) and "text" not in body and "url" in body:
            return self._import(self.input(ArticleImportInput)["url"])
        data = self.input(ArticleCreateInput)
        article = services.article_create(created_by=self.user, **data)
        article = selectors.desk_article(article.pk)
        return Response(DeskArticleDetailSerializer(article).data, status=status.HTTP_201_CREATED)

    def _import(self, url: str) -> Response:
        article, started = article_import_start(url=url, user=self.user)
        found = selectors.desk_article(article.pk)
        code = status.HTTP_202_ACCEPTED if started else status.HTTP_200_OK
        return Response(DeskArticleDetailSerializer(found).data, status=code)


def _article(pk: int) -> Article:
    article = selectors.desk_article(pk)
    if article is None:
        raise NotFound(_("There is no article with this id."))
    return article


class ArticleDetailView(DeskView):
    required_permissions = {"GET": ["claims.view_article"]}

    @extend_schema(
        operation_id="desk_articles_retrieve",
        summary="An article with its text",
        parameters=[_id("The article's id.")],
        responses={200: DeskArticleDetailSerializer, **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(DeskArticleDetailSerializer(_article(pk)).data)


class ArticleSuggestionsView(DeskView):
    required_permissions = {"GET": ["claims.view_article"]}

    @extend_schema(
        operation_id="desk_articles_suggestions",
        summary="Candidate claims in an article's text",
        description=(
            "Quoted passages and indirect speech with the speaker each is attributed to. "
            "Never saved by themselves: create a claim from the ones you accept. Spans that "
            "are already claims, or were dismissed, are not suggested."
        ),
        parameters=[_id("The article's id.")],
        responses={200: SuggestionListSerializer, **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        article = _article(pk)
        return Response(
            {"results": [suggestion_data(s) for s in article_suggestions(article=article)]}
        )


# --- Claims -----------------------------------------------------------------------------------


class ClaimListView(DeskView):
    required_permissions = {"GET": ["claims.view_claim"], "POST": ["claims.add_claim"]}

    @extend_schema(
        operation_id="desk_claims_list",
        summary="Claims in every state, newest first",
        parameters=[DeskClaimQuery],
        responses={200: DeskClaimSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = parse_query(DeskClaimQuery, request).validated_data
        queryset = selectors.desk_claims(
            status=query.get("status", ""), article_id=query.get("article")
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response([claim_summary_data(c) for c in page])

    @extend_schema(
        operation_id="desk_claims_create",
        summary="Create a draft claim from a span of an article",
        request=ClaimCreateInput,
        responses={201: DeskClaimDetailSerializer, **errors(400, 401, 403, 415, 429)},
    )
    def post(self, request: Request) -> Response:
        data = self.input(ClaimCreateInput)
        article = Article.objects.filter(pk=data["article"]).first()
        if article is None:
            raise serializers.ValidationError({"article": [_("There is no such article.")]})
        claim = services.claim_create_from_span(
            article=article,
            start=data["start"],
            end=data["end"],
            exact=data.get("quote"),
            speaker=self._speaker(data),
            claim=data["claim"],
            attribution=data["attribution"],
            stated_on=data["stated_on"],
            created_by=self.user,
        )
        return _claim_response(claim.pk, status_code=status.HTTP_201_CREATED)

    def _speaker(self, data: dict[str, Any]) -> Speaker:
        """The speaker by id, or by name (an existing one, else a new one), as the admin."""
        if data.get("speaker") is not None:
            speaker = Speaker.objects.filter(pk=data["speaker"]).first()
            if speaker is None:
                raise serializers.ValidationError({"speaker": [_("There is no such speaker.")]})
            return speaker
        name = data["speaker_name"].strip()
        found = speaker_for_name(name)  # its name or an alias, any case, accents folded
        if found is not None:
            return found[0]
        if not self.user.has_perm("claims.add_speaker"):
            raise PermissionDenied(_("You may not create speakers."))
        return services.speaker_create(name=name)


class ClaimDetailView(DeskView):
    required_permissions = {"GET": ["claims.view_claim"]}

    @extend_schema(
        operation_id="desk_claims_retrieve",
        summary="A claim in any state, with verdict, citations and corrections",
        parameters=[CLAIM_ID],
        responses={200: DeskClaimDetailSerializer, **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _claim_response(pk)


class CitationCreateView(DeskView):
    required_permissions = {"POST": ["sources.add_citation"]}

    @extend_schema(
        operation_id="desk_claims_citations_create",
        summary="Cite a source for a claim's verdict",
        description="The source is fetched and archived in the background; see its `state`.",
        parameters=[CLAIM_ID],
        request=CitationInput,
        responses={201: DeskCitationSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = _claim(pk)
        data = self.input(CitationInput)
        citation = source_services.citation_add(claim=claim, user=self.user, **data)
        return Response(
            citation_data(selectors.desk_citation(citation.pk)), status=status.HTTP_201_CREATED
        )


class CommentListView(DeskView):
    """A claim's conversation: internal, never on a public page, feed or partner output."""

    required_permissions = {"GET": ["claims.view_claim"], "POST": ["claims.view_claim"]}
    pagination_class = None

    @extend_schema(
        operation_id="desk_claims_comments_list",
        summary="A claim's conversation, oldest first (internal)",
        parameters=[CLAIM_ID],
        responses={200: CommentSerializer(many=True), **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        claim = _claim(pk)
        return Response([comment_data(c) for c in comments.claim_comments(claim)])

    @extend_schema(
        operation_id="desk_claims_comments_create",
        summary="Add a comment to a claim's conversation; `@username` notifies",
        parameters=[CLAIM_ID],
        request=CommentInput,
        responses={201: CommentSerializer, **errors(400, 401, 403, 404, 415, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = _claim(pk)
        data = self.input(CommentInput)
        comment = comments.comment_add(claim=claim, user=self.user, text=data["text"])
        return Response(comment_data(comment), status=status.HTTP_201_CREATED)


class SourceDetailView(DeskView):
    required_permissions = {"GET": ["sources.view_source"]}

    @extend_schema(
        operation_id="desk_sources_retrieve",
        summary="A source with its fetch state and snapshots (newest first)",
        parameters=[_id("The source's id.")],
        responses={200: DeskSourceSerializer, **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        source = selectors.desk_source(pk)
        if source is None:
            raise NotFound(_("There is no source with this id."))
        return Response(DeskSourceSerializer(source).data)


# --- Verdict and workflow ---------------------------------------------------------------------


class VerdictView(DeskView):
    required_permissions = {"PUT": ["claims.change_verdict"]}

    @extend_schema(
        operation_id="desk_claims_verdict_update",
        summary="Write the verdict of an unpublished claim",
        description="A stale `version` is a 409 whose `detail.current` is the claim as it is now.",
        parameters=[CLAIM_ID],
        request=VerdictInput,
        responses={200: DeskClaimDetailSerializer, **WRITE_ERRORS},
    )
    def put(self, request: Request, pk: int) -> Response:
        claim = _claim(pk)
        data = self.input(VerdictInput)
        services.verdict_update(
            claim=claim,
            user=self.user,
            version=data["version"],
            rating=_rating(data["rating"]),
            headline=data["headline"],
            summary=data["summary"],
            explanation=data["explanation"],
        )
        return _claim_response(pk)


class SubmitView(DeskView):
    required_permissions = _transition_permission("submit")

    @extend_schema(
        operation_id="desk_claims_submit",
        summary="Send a draft to review",
        parameters=[CLAIM_ID],
        request=TransitionInput,
        responses={200: DeskClaimDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = self.input(TransitionInput)
        workflow.claim_submit(claim=_claim(pk), user=self.user, version=data.get("version"))
        return _claim_response(pk)


class RequestChangesView(DeskView):
    required_permissions = _transition_permission("request_changes")

    @extend_schema(
        operation_id="desk_claims_request_changes",
        summary="Send a claim in review back to draft (editors)",
        parameters=[CLAIM_ID],
        request=RequestChangesInput,
        responses={200: DeskClaimDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = self.input(RequestChangesInput)
        workflow.claim_request_changes(
            claim=_claim(pk), user=self.user, version=data.get("version"), note=data["note"]
        )
        return _claim_response(pk)


class PublishView(DeskView):
    required_permissions = _transition_permission("publish")

    @extend_schema(
        operation_id="desk_claims_publish",
        summary="Publish a claim in review (editors; four eyes)",
        parameters=[CLAIM_ID],
        request=PublishInput,
        responses={200: PublishResultSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = self.input(PublishInput)
        published = source_services.claim_publish_with_sources(
            claim=_claim(pk),
            user=self.user,
            version=data.get("version"),
            acknowledge_sources=data.get("acknowledge_sources", ""),
        )
        return _claim_response(pk, warnings=[str(w) for w in published.warnings])


class CorrectView(DeskView):
    required_permissions = _transition_permission("correct")

    @extend_schema(
        operation_id="desk_claims_correct",
        summary="Correct a published verdict with a public note (editors)",
        description=(
            "Send the note and only the verdict fields that change. A published verdict's "
            "sources change only here: `add_sources` and `remove_sources` (citation ids)."
        ),
        parameters=[CLAIM_ID],
        request=CorrectInput,
        responses={200: DeskClaimDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = dict(self.input(CorrectInput))
        note, version = data.pop("note"), data.pop("version")
        acknowledge_sources = data.pop("acknowledge_sources", "")
        sources_add = [dict(item) for item in data.pop("add_sources", [])]
        sources_remove = data.pop("remove_sources", [])
        if "rating" in data:
            data["rating"] = _rating(data["rating"])
        source_services.claim_correct_with_sources(
            claim=_claim(pk),
            user=self.user,
            version=version,
            note=note,
            changes=data,
            sources_add=sources_add,
            sources_remove=sources_remove,
            acknowledge_sources=acknowledge_sources,
        )
        return _claim_response(pk)


class RetractView(DeskView):
    required_permissions = _transition_permission("retract")

    @extend_schema(
        operation_id="desk_claims_retract",
        summary="Retract a published verdict (editors); its page stays with the reason",
        parameters=[CLAIM_ID],
        request=RetractInput,
        responses={200: DeskClaimDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = self.input(RetractInput)
        workflow.claim_retract(
            claim=_claim(pk), user=self.user, version=data.get("version"), reason=data["reason"]
        )
        return _claim_response(pk)
