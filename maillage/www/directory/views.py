"""Directory pages. Thin: reads go through maillage.directory.selectors and
policies, writes through services/importers (style.md)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maillage.directory import exports, importers, policies, selectors, services, viewers
from maillage.directory.enums import Public
from maillage.directory.models import Profile
from maillage.directory.selectors import recipients
from maillage.territories.map_svg import render_departement_map

from .forms import (
    CoverageForm,
    ImportForm,
    NetworkCandidateSearchForm,
    NetworkForm,
    NetworkMemberForm,
    ProfileForm,
    SearchForm,
)


@login_not_required
@require_GET
def directory_list(request):
    """Public part for anonymous visitors, full part for signed-in members."""
    viewer = viewers.viewer_for(request.user)
    form = SearchForm(request.GET or None, viewer=viewer)
    results = None
    offset = _page_offset(request)
    hints = []
    if form.is_bound and form.is_valid():
        results = selectors.search_directory(viewer=viewer, offset=offset, **form.search_kwargs())
        if not results.total:
            hints = recipients.loosen_hints(viewer=viewer, **form.search_kwargs())
    elif not form.is_bound:
        results = selectors.search_directory(viewer=viewer, offset=offset)
    pages = _pagination(request, results)
    context = {
        "page_title": _("Annuaire du réseau"),
        "form": form,
        "results": results,
        "hints": hints,
        "viewer": viewer,
        "can_import": policies.can_import(viewer),
        **pages,
    }
    return render(request, "directory/list.html", context)


def _page_offset(request) -> int:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    return (min(max(page, 1), 500) - 1) * selectors.DEFAULT_LIMIT


def _pagination(request, results) -> dict:
    if results is None:
        return {}
    size = selectors.DEFAULT_LIMIT
    page = results.offset // size + 1
    last = max(1, -(-results.total // size))
    params = request.GET.copy()

    def url(n):
        params["page"] = str(n)
        return "?" + params.urlencode()

    return {
        "page": page,
        "last_page": last,
        "previous_url": url(page - 1) if page > 1 else "",
        "next_url": url(page + 1) if page < last else "",
    }


@login_not_required
@require_GET
def profile_detail(request, slug):
    viewer = viewers.viewer_for(request.user)
    profile = selectors.profile_for_slug(viewer=viewer, slug=slug)
    if profile is None:
        if selectors.organisation_without_profile(viewer=viewer, slug=slug) is not None:
            return redirect("directory_profile_edit", slug=slug)
        raise Http404
    groups = viewers.field_groups(viewer, profile)
    context = {
        "page_title": profile.organisation.name,
        "profile": profile,
        "organisation": profile.organisation,
        "show_members": viewers.MEMBERS in groups,
        "show_address": policies.can_see_street_address(viewer, profile),
        "can_edit": policies.can_edit_profile(viewer, profile.organisation),
        "territories": selectors.territory_labels(profile),
        "languages": selectors.language_labels(profile),
        "networks": [m.network for m in profile.organisation.network_memberships.all()],
    }
    return render(request, "directory/detail.html", context)


def _editable_organisation(request, slug, viewer):
    """Administrators of the organisation only; anyone else gets a 404. An
    organisation without a profile yet gets a blank, unsaved one to fill in."""
    profile = selectors.profile_for_slug(viewer=viewer, slug=slug)
    if profile is None:
        organisation = selectors.organisation_without_profile(viewer=viewer, slug=slug)
        if organisation is None:
            raise Http404
        profile = Profile(organisation=organisation, departement=organisation.departement)
    if not policies.can_edit_profile(viewer, profile.organisation):
        raise Http404
    return profile


@require_http_methods(["GET", "POST"])
def profile_edit(request, slug):
    viewer = viewers.viewer_for(request.user)
    profile = _editable_organisation(request, slug, viewer)
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_for(profile))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(
                organisation=profile.organisation, data=form.cleaned_data, acting_user=request.user
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("La fiche a été mise à jour."))
            return redirect("directory_profile", slug=slug)
    return render(
        request, "directory/edit.html", {"page_title": _("Modifier la fiche"), "form": form, "profile": profile}
    )


@require_POST
def profile_verify(request, slug):
    viewer = viewers.viewer_for(request.user)
    profile = _editable_organisation(request, slug, viewer)
    services.verify_profile(organisation=profile.organisation, acting_user=request.user)
    messages.success(request, _("Merci : la fiche est confirmée à jour."))
    return redirect("directory_profile", slug=slug)


def _coverage_context(request, viewer):
    form = CoverageForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {key: value or None for key, value in form.cleaned_data.items()}
    counts = selectors.coverage_by_departement(viewer=viewer, **filters)
    return form, filters, counts


def _filters_label(filters) -> str:
    parts = []
    if filters.get("service"):
        parts.append(selectors.service_label(filters["service"]))
    if filters.get("form"):
        parts.append(selectors.form_label(filters["form"]))
    if filters.get("public"):
        parts.append(str(Public(filters["public"]).label))
    return ", ".join(p for p in parts if p) or _("tous services, toutes formes, tous publics")


@require_GET
def coverage(request):
    viewer = viewers.viewer_for(request.user)
    if not policies.can_view_coverage(viewer):
        raise Http404
    form, filters, counts = _coverage_context(request, viewer)
    label = _filters_label(filters)
    rows = selectors.coverage_rows(counts)
    uncovered = [row for row in rows if row.count == 0]
    # Server-side sort (no script under the CSP): by code (default) or count.
    sort = request.GET.get("tri", "code")
    if sort == "nombre":
        rows = sorted(rows, key=lambda r: (r.count, r.code))
    params = request.GET.copy()
    params["tri"] = "code"
    sort_by_code_url = "?" + params.urlencode()
    params["tri"] = "nombre"
    sort_by_count_url = "?" + params.urlencode()
    svg = render_departement_map(
        counts,
        title=_("Couverture du territoire par département"),
        description=_(
            "Nombre d'organisations qui interviennent dans chaque département (%(filters)s). Les mêmes chiffres figurent dans le tableau qui suit."
        )
        % {"filters": label},
    )
    context = {
        "page_title": _("Couverture territoriale"),
        "form": form,
        "filters_label": label,
        "map_svg": svg,
        "rows": rows,
        "uncovered": uncovered,
        "sort": sort,
        "sort_by_code_url": sort_by_code_url,
        "sort_by_count_url": sort_by_count_url,
        "csv_url": reverse("directory_coverage_csv") + ("?" + request.GET.urlencode() if request.GET else ""),
    }
    return render(request, "directory/coverage.html", context)


@require_GET
def coverage_csv(request):
    viewer = viewers.viewer_for(request.user)
    if not policies.can_view_coverage(viewer):
        raise Http404
    _form, _filters, counts = _coverage_context(request, viewer)
    rows = [[r.code, r.name, r.region, str(r.count)] for r in selectors.coverage_rows(counts)]
    content = exports.to_csv(
        [[exports.neutralise(c) for c in row] for row in rows],
        [_("Code"), _("Département"), _("Région"), _("Organisations")],
    )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="couverture.csv"'
    return response


@login_not_required
@require_GET
def export(request, fmt):
    """Export of what the viewer may see (anonymous: the public part)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    viewer = viewers.viewer_for(request.user)
    rows = exports.rows_for(viewer)
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(rows, exports.headers()), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.to_xlsx(rows, exports.headers()),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="annuaire.{fmt}"'
    return response


@require_http_methods(["GET", "POST"])
def import_view(request):
    viewer = viewers.viewer_for(request.user)
    if not policies.can_import(viewer):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = importers.parse(upload.read(), upload.name)
            if form.cleaned_data["confirm"]:
                report = importers.apply(report, acting_user=request.user, only_valid=form.cleaned_data["only_valid"])
                if report.written:
                    messages.success(
                        request,
                        _("Import terminé : %(c)s organisations créées, %(u)s mises à jour.")
                        % {"c": report.created, "u": report.updated},
                    )
                else:
                    messages.error(
                        request,
                        _(
                            "Rien n'a été enregistré : le fichier contient des erreurs. Corrigez-les ou choisissez d'importer seulement les lignes valides."
                        ),
                    )
        except importers.ImportFileError as exc:
            form.add_error("file", str(exc))
            report = None
    return render(
        request,
        "directory/import.html",
        {"page_title": _("Importer des organisations"), "form": form, "report": report},
    )


# --- Networks ------------------------------------------------------------------


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_not_required
@require_GET
def network_list(request):
    viewer = viewers.viewer_for(request.user)
    context = {
        "page_title": _("Réseaux"),
        "networks": selectors.networks_with_counts(viewer=viewer),
        "can_create": policies.can_create_network(viewer),
    }
    return render(request, "directory/network_list.html", context)


@login_not_required
@require_GET
def network_detail(request, slug):
    viewer = viewers.viewer_for(request.user)
    network = selectors.network_for_slug(slug)
    if network is None:
        raise Http404
    can_manage = policies.can_manage_network(viewer, network)
    context = {
        "page_title": network.name,
        "network": network,
        "members": selectors.network_members(viewer=viewer, network=network, include_hidden=can_manage),
        "can_manage": can_manage,
    }
    if can_manage:
        # Managers search the organisations to add (name, acronym, SIRET): no list of every organisation.
        search = NetworkCandidateSearchForm(request.GET or None)
        candidates, more = search.candidates(network)
        context.update(
            {
                "candidate_search": search,
                "candidates": candidates,
                "more_candidates": more,
                "searched": bool(search.is_bound and search.is_valid() and len(search.cleaned_data["q"].strip()) >= 2),
            }
        )
    return render(request, "directory/network_detail.html", context)


def _managed_network(request, slug):
    """The network if the user may manage it; 404 otherwise (as for profiles)."""
    viewer = viewers.viewer_for(request.user)
    network = selectors.network_for_slug(slug)
    if network is None or not policies.can_manage_network(viewer, network):
        raise Http404
    return network


@require_http_methods(["GET", "POST"])
def network_create(request):
    if not policies.can_create_network(viewers.viewer_for(request.user)):
        raise Http404
    form = NetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            network = services.create_network(data=form.cleaned_data, acting_user=request.user)
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request, _("Le réseau a été créé. Ajoutez-y ses organisations membres et coordinatrices.")
            )
            return redirect("directory_network", slug=network.slug)
    return render(
        request, "directory/network_form.html", {"page_title": _("Créer un réseau"), "form": form, "network": None}
    )


@require_http_methods(["GET", "POST"])
def network_edit(request, slug):
    network = _managed_network(request, slug)
    form = NetworkForm(request.POST or None, initial=NetworkForm.initial_for(network))
    if request.method == "POST" and form.is_valid():
        try:
            network = services.update_network(network=network, data=form.cleaned_data, acting_user=request.user)
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Le réseau a été mis à jour."))
            return redirect("directory_network", slug=network.slug)
    return render(
        request,
        "directory/network_form.html",
        {"page_title": _("Modifier le réseau"), "form": form, "network": network},
    )


@require_POST
def network_member_add(request, slug):
    network = _managed_network(request, slug)
    form = NetworkMemberForm(request.POST, network=network)
    if form.is_valid():
        try:
            services.add_network_member(
                network=network,
                organisation=form.cleaned_data["organisation"],
                is_coordinator=form.cleaned_data["is_coordinator"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request, _("%(org)s a été ajoutée au réseau.") % {"org": form.cleaned_data["organisation"].name}
            )
    else:
        messages.error(request, _("Choisissez une organisation active qui n'est pas encore membre du réseau."))
    target = reverse("directory_network", args=[network.slug])
    q = (request.POST.get("q") or "").strip()[:100]
    return redirect(f"{target}?{urlencode({'q': q})}" if q else target)


def _member_organisation(network, organisation_id):
    organisation = selectors.member_organisation(network, organisation_id)
    if organisation is None:
        raise Http404
    return organisation


@require_POST
def network_member_remove(request, slug, organisation_id):
    network = _managed_network(request, slug)
    organisation = _member_organisation(network, organisation_id)
    try:
        services.remove_network_member(network=network, organisation=organisation, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, _("%(org)s a été retirée du réseau.") % {"org": organisation.name})
    if not policies.can_manage_network(viewers.viewer_for(request.user), network):
        return redirect("directory_networks")
    return redirect("directory_network", slug=network.slug)


@require_POST
def network_member_coordinator(request, slug, organisation_id):
    network = _managed_network(request, slug)
    organisation = _member_organisation(network, organisation_id)
    is_coordinator = request.POST.get("is_coordinator") == "1"
    try:
        services.set_network_coordinator(
            network=network, organisation=organisation, is_coordinator=is_coordinator, acting_user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        if is_coordinator:
            messages.success(request, _("%(org)s coordonne désormais le réseau.") % {"org": organisation.name})
        else:
            messages.success(request, _("%(org)s ne coordonne plus le réseau.") % {"org": organisation.name})
    return redirect("directory_network", slug=network.slug)
