"""Pages of the annual collection and of the published statistics (thin:
selectors to read, services to write; refusals are 404s)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.organisations.actor import actor_for_request
from maillage.statistics import charts, linking, policies, presentation, report, selectors, services, spreadsheet
from maillage.statistics.models import Campaign, Release
from maillage.statistics.release import HISTORY_INDICATORS
from maillage.www.common import acting_organisation, denied_as_404, form_view, run_service

from . import forms


def _grids(tables) -> list[dict]:
    language = get_language() or "fr"
    return [{"key": t.key, **presentation.grid(t.payload, language)} for t in tables]


def _charts(tables, year: int) -> dict:
    """The release's charts and the trend up to its year (protected figures only)."""
    language = get_language() or "fr"
    return {
        "charts": charts.for_release([t.payload for t in tables], language),
        "trend": charts.trend_chart(selectors.trend_points(until_year=year)),
    }


def _coordinator(request):
    if not policies.can_run_campaigns(actor_for_request(request)):
        raise Http404


# --- public page -------------------------------------------------------------------------------


@login_not_required
def public(request):
    release = selectors.latest_release()
    tables = list(selectors.public_tables(release)) if release else []
    return render(
        request,
        "statistics/public.html",
        {
            "release": release,
            "grids": _grids(tables),
            "threshold": release.threshold if release else 11,
            **(_charts(tables, release.campaign.year) if release else {}),
        },
    )


@login_not_required
def public_csv(request):
    release = selectors.latest_release()
    if release is None:
        raise Http404
    items = [t.payload for t in selectors.public_tables(release)]
    response = HttpResponse(presentation.to_csv(items, get_language() or "fr"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statistiques-traite-{release.campaign.year}.csv"'
    return response


@login_not_required
def public_pdf(request):
    release = selectors.latest_release()
    if release is None:
        raise Http404
    response = HttpResponse(report.release_pdf(release, public=True), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="statistiques-traite-{release.campaign.year}.pdf"'
    return response


# --- campaigns (statistics team) ------------------------------------------------------------


def campaigns(request):
    _coordinator(request)
    form = forms.CampaignForm(request.POST or None)
    return form_view(
        request,
        form,
        call=lambda data: services.open_campaign(
            year=data["year"], deadline=data["deadline"], organisations=data["organisations"], acting_user=request.user
        ),
        success=lambda campaign: redirect("statistics:campaign", year=campaign.year),
        message=_("La campagne est ouverte et les organisations sont invitées."),
        template="statistics/campaigns.html",
        context={"campaigns": selectors.campaigns(), "history": HISTORY_INDICATORS},
    )


def campaign(request, year: int):
    _coordinator(request)
    campaign = get_object_or_404(Campaign, year=year)
    invite = forms.InviteForm(request.POST if request.POST.get("action") == "invite" else None)
    publish = forms.PublishForm(request.POST if request.POST.get("action") == "publish" else None)
    check = forms.LinkageCheckForm(request.POST if request.POST.get("action") == "linkage_check" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        with denied_as_404():
            if action == "linkage_check" and check.is_valid():
                ok, _campaign = run_service(check, lambda: linking.announce_linkage_check(
                    campaign=campaign, key_check=check.cleaned_data["key_check"], acting_user=request.user))  # fmt: skip
                if ok:
                    messages.success(request, _("La valeur de contrôle du secret de campagne est enregistrée."))
                    return redirect("statistics:campaign", year=year)
            elif action == "invite" and invite.is_valid():
                ok, n = run_service(invite, lambda: services.invite_organisations(
                    campaign=campaign, organisations=invite.cleaned_data["organisations"], acting_user=request.user))  # fmt: skip
                if ok:
                    messages.success(request, _("%(n)s organisation(s) invitée(s).") % {"n": n})
                    return redirect("statistics:campaign", year=year)
            elif action == "close":
                services.close_campaign(campaign=campaign, acting_user=request.user)
                messages.success(request, _("La campagne est close."))
                return redirect("statistics:campaign", year=year)
            elif action == "publish" and publish.is_valid():
                data = publish.cleaned_data
                ok, release = run_service(publish, lambda: services.publish_release(
                    campaign=campaign, acting_user=request.user, reason=data["reason"],
                    open_data_epsilon=(data["epsilon"] or 1.0) if data["open_data"] else None))  # fmt: skip
                if ok:
                    messages.success(request, _("La publication est en ligne."))
                    return redirect("statistics:release", year=year, number=release.number)
    return render(
        request,
        "statistics/campaign.html",
        {
            "campaign": campaign,
            "rows": selectors.follow_up(campaign),
            "invite_form": invite,
            "publish_form": publish,
            "check_form": check,
            "releases": campaign.releases.all(),
            "linkage": selectors.linkage_summary(campaign),
        },
    )


# --- returns (invited organisation's administrator) ------------------------------------------


def returns(request):
    actor = actor_for_request(request)
    invitations = policies.invitations_visible_to(actor).order_by("-campaign__year")
    if not invitations and not policies.can_run_campaigns(actor):
        raise Http404
    return render(request, "statistics/returns.html", {"invitations": invitations})


def _return_context(request, year: int):
    organisation = acting_organisation(request)
    campaign = get_object_or_404(Campaign, year=year)
    if not policies.can_read_return(actor_for_request(request), campaign, organisation):
        raise Http404
    return campaign, organisation


def return_page(request, year: int):
    campaign, organisation = _return_context(request, year)
    questionnaire = campaign.questionnaire.parsed()
    RecordForm = forms.record_form(questionnaire)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    record_form = RecordForm(request.POST if action == "add" else None, prefix="p")
    import_form = forms.ImportForm(request.POST if action == "import" else None, request.FILES or None)
    correction_form = forms.CorrectionForm(request.POST if action == "correct" else None)
    derive_form = forms.DeriveForm(
        request.POST if action == "derive" else None, request.FILES or None, linkage=bool(campaign.linkage_check)
    )
    report = None
    if request.method == "POST":
        with denied_as_404():
            if action == "derive" and derive_form.is_valid():
                ok, result = run_service(derive_form, lambda: services.derive_from_cases(
                    campaign=campaign, organisation=organisation, acting_user=request.user,
                    campaign_secret=derive_form.secret()))  # fmt: skip
                if ok:
                    messages.success(request, _("%(n)s personne(s) reprise(s) de vos dossiers : vérifiez-les avant de transmettre.")
                                     % {"n": result.count})  # fmt: skip
                    return redirect("statistics:return", year=year)
            elif action == "import" and import_form.is_valid():
                upload = import_form.cleaned_data["file"]
                if upload.size > spreadsheet.MAX_BYTES:
                    import_form.add_error("file", _("Le fichier dépasse 50 Mo."))
                else:
                    ok, report = run_service(import_form, lambda: services.import_return(
                        campaign=campaign, organisation=organisation, filename=upload.name,
                        content=upload.read(), acting_user=request.user))  # fmt: skip
                    if ok and report.ok:
                        messages.success(request, _("%(n)s personne(s) importée(s).") % {"n": len(report.rows)})
                        return redirect("statistics:return", year=year)
            elif action == "add" and record_form.is_valid():
                ok, _record = run_service(record_form, lambda: services.save_record(
                    campaign=campaign, organisation=organisation, raw=record_form.cleaned_data,
                    acting_user=request.user))  # fmt: skip
                if ok:
                    messages.success(request, _("La personne est ajoutée au retour."))
                    return redirect("statistics:return", year=year)
            elif action == "submit":
                try:
                    services.submit_return(campaign=campaign, organisation=organisation, acting_user=request.user)
                    messages.success(request, _("Le retour est transmis. Il est désormais verrouillé."))
                except services.ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                return redirect("statistics:return", year=year)
            elif action == "correct" and correction_form.is_valid():
                ok, _v = run_service(correction_form, lambda: services.start_correction(
                    campaign=campaign, organisation=organisation, reason=correction_form.cleaned_data["reason"],
                    acting_user=request.user))  # fmt: skip
                if ok:
                    messages.success(request, _("Une nouvelle version est ouverte pour la correction."))
                    return redirect("statistics:return", year=year)
    return_obj = selectors.return_for(actor_for_request(request), campaign, organisation)
    versions = list(return_obj.versions.order_by("-number")) if return_obj else []
    current = versions[0] if versions else None
    rows = []
    if current is not None:
        for record in selectors.records_for(request.user, current)[:500]:
            rows.append({"line": record.line, "cells": _record_cells(questionnaire, record)})
    return render(
        request,
        "statistics/return.html",
        {
            "campaign": campaign,
            "organisation": organisation,
            "versions": versions,
            "current": current,
            "columns": [v.text() for v in questionnaire.variables],
            "rows": rows,
            "record_form": record_form,
            "import_form": import_form,
            "correction_form": correction_form,
            "derive_form": derive_form,
            "report": report,
            "can_prepare": campaign.is_open,
        },
    )


def _record_cells(questionnaire, record) -> list[str]:
    from maillage.territories import reference as territories

    out = []
    for variable in questionnaire.variables:
        value = getattr(record, variable.name)
        if value is None or value == "" or value == []:
            out.append("—")
        elif variable.type == "countries":
            out.append(", ".join(territories.citizenship_name(c) for c in value))
        elif variable.type == "codes":
            out.append(", ".join(variable.label_of(c) for c in value))
        elif variable.type == "code":
            out.append(variable.label_of(value))
        else:
            out.append(str(value))
    return out


def return_template(request, year: int):
    campaign, _organisation = _return_context(request, year)
    content = spreadsheet.template(campaign, campaign.questionnaire.parsed())
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="enquete-{year}-modele.xlsx"'
    return response


@require_POST
def record_delete(request, year: int, line: int):
    campaign, organisation = _return_context(request, year)
    with denied_as_404():
        try:
            services.delete_record(campaign=campaign, organisation=organisation, line=line, acting_user=request.user)
            messages.success(request, _("La personne est retirée du retour."))
        except services.ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("statistics:return", year=year)


# --- releases (statistics team, national rapporteur) --------------------------------------


def _reader(request):
    if not policies.can_read_all_published(actor_for_request(request)):
        raise Http404


def releases(request):
    _reader(request)
    return render(request, "statistics/releases.html", {"releases": selectors.releases()})


def release(request, year: int, number: int):
    _reader(request)
    item = get_object_or_404(selectors.releases(), campaign__year=year, number=number)
    tables = list(item.tables.order_by("position"))
    return render(
        request,
        "statistics/release.html",
        {
            "release": item,
            "grids": _grids(tables),
            **_charts(tables, year),
            "csv_url": reverse("statistics:release_export", args=[year, number, "csv"]),
            "xlsx_url": reverse("statistics:release_export", args=[year, number, "xlsx"]),
            "pdf_url": reverse("statistics:release_pdf", args=[year, number]),
        },
    )


def release_export(request, year: int, number: int, fmt: str):
    _reader(request)
    item = get_object_or_404(Release, campaign__year=year, number=number)
    items = [t.payload for t in item.tables.order_by("position")]
    language = get_language() or "fr"
    if fmt == "csv":
        response = HttpResponse(presentation.to_csv(items, language), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            presentation.to_xlsx(items, language),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="statistiques-{year}-{number}.{fmt}"'
    return response


def release_pdf(request, year: int, number: int):
    """Every table of the release, with notes, method and disclosure rules (tagged PDF)."""
    _reader(request)
    item = get_object_or_404(selectors.releases(), campaign__year=year, number=number)
    response = HttpResponse(report.release_pdf(item, public=False), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="statistiques-{year}-{number}.pdf"'
    return response
