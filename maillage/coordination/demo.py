"""Demo data of coordination (issue 7): the working group announced by the
letter of 24 May 2013, its meetings, the exchange of letters of 7 and 24 May
2013 (real dates, fictional summaries), a pending appointment and a
« grande cause nationale » dossier. Idempotent: nothing is created twice.

Every write goes through a service, each in its own transaction (service
entry points are durable: a seeder cannot wrap them in one); the working
group, written first, marks the seeder as done.

People are demo accounts of the organisations seeder; signatories are named by
their function only.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from maillage.demo.registry import SeedContext, register

from . import selectors, services
from .enums import DossierKind, GroupFocus, GroupVisibility, InvitationResponse, LetterDirection
from .models import MeetingInvitation, WorkingGroup

PARIS = ZoneInfo("Europe/Paris")
GROUP_NAME = "Groupe de travail « Coordination des acteurs – focus mineurs »"


def _user(email):
    return get_user_model().objects.filter(email=email).first()


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


@register("coordination : groupes, réunions, courrier, dossiers", order=50)
def seed_coordination(ctx: SeedContext) -> None:
    if WorkingGroup.objects.filter(name=GROUP_NAME).exists():
        ctx.log("  déjà présent")
        return
    orgs = ctx.shared.get("organisations") or {}
    associations = ctx.shared.get("associations") or []
    miprof = orgs.get("miprof")
    coordinator = _user("coordination@demo.maillage.fr")
    if miprof is None or coordinator is None or not associations:
        ctx.log("  réseau de démonstration absent : rien à faire")
        return
    collective = associations[0]  # the association that coordinates the collective in the demo
    people = [
        (_user("miprof.membre@demo.maillage.fr"), miprof, "member"),
        (_user("admin.passerelle-paris@demo.maillage.fr"), collective, "member"),
        (_user("membre.passerelle-paris@demo.maillage.fr"), collective, "observer"),
        (_user("crip93@demo.maillage.fr"), orgs["crip-93"], "member"),
        (_user("bpm.paris@demo.maillage.fr"), orgs["brigade-mineurs-paris"], "member"),
        (_user("parquet.paris@demo.maillage.fr"), orgs["parquet-paris"], "member"),
        (_user("coordination.acse@demo.maillage.fr"), orgs["acse-coordination"], "member"),
    ]
    people = [p for p in people if p[0] is not None]
    group = services.create_group(
        acting_user=coordinator,
        name=GROUP_NAME,
        mandate=(
            "Améliorer la coordination entre les acteurs de la lutte contre la traite des êtres humains, "
            "avec un focus spécial sur les mineurs : repérage, mise à l'abri, orientation, suites judiciaires."
        ),
        focus=GroupFocus.MINORS,
        visibility=GroupVisibility.NETWORK,
        lead_organisation=miprof,
        pilot=coordinator,
    )
    for user, organisation, role in people:
        services.add_group_member(
            group=group, user=user, organisation=organisation, role=role, acting_user=coordinator
        )
    services.create_group(
        acting_user=coordinator,
        name="Sous-groupe « Mineurs contraints à commettre des délits »",
        focus=GroupFocus.CRIMINAL,
        lead_organisation=miprof,
        parent=group,
        visibility=GroupVisibility.MEMBERS,
    )

    today = timezone.localdate()
    admin_paris = _user("admin.passerelle-paris@demo.maillage.fr")
    crip = _user("crip93@demo.maillage.fr")

    # Two past meetings with attendance, decisions, actions and approved minutes.
    past_specs = [
        (
            today - dt.timedelta(days=63),
            "Réunion d'installation du groupe",
            ["Tour de table des membres", "Mandat et méthode de travail", "Calendrier"],
        ),
        (
            today - dt.timedelta(days=21),
            "Repérage et mise à l'abri des mineurs",
            ["Retour sur les actions", "Fiche réflexe de repérage", "Places d'hébergement sécurisé"],
        ),
    ]
    for index, (day, title, items) in enumerate(past_specs):
        meeting = services.schedule_meeting(
            acting_user=coordinator,
            group=group,
            title=title,
            starts_at=_at(day, 14),
            ends_at=_at(day, 17),
            mode="hybrid",
            place="MIPROF, 14 avenue Duquesne, Paris",
            video_url="https://webconf.example.gouv.fr/groupe-mineurs",
            organiser_organisation=miprof,
            allow_past=True,  # demo history: meetings held weeks ago
        )
        for position, item in enumerate(items):
            parent = services.add_agenda_item(
                meeting=meeting, acting_user=coordinator, title=item, duration_minutes=30 + 15 * position
            )
            if position == 1:
                services.add_agenda_item(
                    meeting=meeting,
                    acting_user=coordinator,
                    title="Échanges et propositions",
                    parent=parent,
                    duration_minutes=20,
                )
        services.invite_group_members(meeting=meeting, acting_user=coordinator)
        invitations = list(meeting.invitations.all())
        for invitation in invitations:
            MeetingInvitation.objects.filter(pk=invitation.pk).update(
                response=InvitationResponse.ACCEPTED, responded_at=meeting.starts_at - dt.timedelta(days=3)
            )
        present = [i.user_id for i in invitations][: max(1, len(invitations) - 1)]
        services.record_attendance(
            meeting=meeting,
            acting_user=coordinator,
            present_user_ids=present,
            organisation_ids={i.organisation_id for i in invitations if i.organisation_id},
        )
        if index == 0:
            decision = services.record_decision(
                acting_user=coordinator,
                meeting=meeting,
                statement="Le groupe se réunit toutes les six semaines, en format hybride.",
                review_on=today - dt.timedelta(days=2),
            )
            services.create_action(
                acting_user=coordinator,
                meeting=meeting,
                decision=decision,
                title="Recenser les référents mineurs de chaque organisation membre",
                owner_organisation=collective,
                due_on=today - dt.timedelta(days=30),
            )
            services.create_action(
                acting_user=coordinator,
                meeting=meeting,
                title="Diffuser le mandat du groupe aux préfectures",
                owner_user=coordinator,
                due_on=today - dt.timedelta(days=40),
            )
        else:
            decision = services.record_decision(
                acting_user=coordinator,
                meeting=meeting,
                statement="Rédiger une fiche réflexe de repérage des mineurs victimes, commune à tous les acteurs.",
                review_on=today + dt.timedelta(days=60),
            )
            services.create_action(
                acting_user=coordinator,
                meeting=meeting,
                decision=decision,
                title="Premier projet de fiche réflexe",
                owner_user=admin_paris or coordinator,
                due_on=today - dt.timedelta(days=3),
            )
            services.create_action(
                acting_user=coordinator,
                meeting=meeting,
                decision=decision,
                title="Relecture juridique de la fiche réflexe",
                owner_organisation=orgs["parquet-paris"],
                due_on=today + dt.timedelta(days=10),
            )
            services.create_action(
                acting_user=coordinator,
                meeting=meeting,
                title="Recenser les places d'hébergement sécurisé pour mineurs",
                owner_user=crip or coordinator,
                due_on=today + dt.timedelta(days=20),
            )
        services.draft_minutes(meeting=meeting, acting_user=coordinator)
        # Minutes are circulated to the participants before the pilot approves them.
        services.circulate_minutes(meeting=meeting, acting_user=coordinator)
        readers = list(selectors.minutes_readers(meeting).select_related("user"))
        if index == 0:
            for number, reader in enumerate(readers):
                body = "Préciser que le format hybride reste l'exception." if number == 0 else ""
                services.remark_on_minutes(meeting=meeting, body=body, acting_user=reader.user)
            services.approve_minutes(meeting=meeting, acting_user=coordinator)
        elif readers:
            # The latest minutes wait in review: one remark already in.
            services.remark_on_minutes(
                meeting=meeting,
                body="Ajouter la référence de la circulaire sur les mineurs non accompagnés.",
                acting_user=readers[0].user,
            )

    upcoming = services.schedule_meeting(
        acting_user=coordinator,
        group=group,
        title="Validation de la fiche réflexe mineurs",
        starts_at=_at(today + dt.timedelta(days=21), 10),
        ends_at=_at(today + dt.timedelta(days=21), 12, 30),
        mode="online",
        video_url="https://webconf.example.gouv.fr/groupe-mineurs",
        organiser_organisation=miprof,
    )
    services.add_agenda_item(
        meeting=upcoming,
        acting_user=coordinator,
        title="Présentation du projet de fiche",
        duration_minutes=45,
        presenter=admin_paris,
    )
    services.add_agenda_item(
        meeting=upcoming,
        acting_user=coordinator,
        title="Articulation avec le plan d'action national",
        duration_minutes=30,
        link_url="/plan/",
    )
    services.invite_group_members(meeting=upcoming, acting_user=coordinator)
    # A foreign counterpart without an account, invited as a guest (fictional
    # person; she answers from the personal link of her email).
    services.invite_guest(
        meeting=upcoming,
        acting_user=coordinator,
        name="Ana Popescu",
        email="ana.popescu@demo.maillage.fr",
        organisation_name="Agence nationale contre la traite des personnes (Roumanie)",
    )

    # The letters of 7 and 24 May 2013 (real dates; summaries are ours).
    dossier = services.create_dossier(
        acting_user=coordinator,
        title="La traite des êtres humains, « grande cause nationale »",
        kind=DossierKind.NATIONAL_CAUSE,
        lead_organisation=collective,
        summary=(
            "Candidature du collectif, avec l'appui de la mission, au label « grande cause nationale ». La "
            "procédure est longue du fait du nombre de demandes."
        ),
        supporting_organisations=[miprof, *associations[1:4]],
    )
    first_step = dossier.steps.order_by("position").first()
    services.update_step(
        step=first_step,
        acting_user=coordinator,
        due_on=today - dt.timedelta(days=30),
        done_on=today - dt.timedelta(days=28),
    )
    for step in dossier.steps.order_by("position")[1:3]:
        services.update_step(step=step, acting_user=coordinator, due_on=today + dt.timedelta(days=30))
    incoming = services.register_letter(
        acting_user=coordinator,
        direction=LetterDirection.INCOMING,
        letter_date=dt.date(2013, 5, 7),
        received_on=dt.date(2013, 5, 10),
        sender_organisation=collective,
        sender_person="Coordinatrice du collectif « Ensemble contre la traite des êtres humains »",
        recipient_organisation=miprof,
        recipient_person="Secrétaire générale de la MIPROF",
        subject="Place de la traite dans la mission et attentes du collectif",
        summary=(
            "Résumé fictif : le collectif demande que la traite soit traitée sous toutes ses formes, propose son "
            "réseau et évoque la « grande cause nationale »."
        ),
        assignee=coordinator,
        dossier=dossier,
    )
    services.register_letter(
        acting_user=coordinator,
        direction=LetterDirection.OUTGOING,
        letter_date=dt.date(2013, 5, 24),
        received_on=dt.date(2013, 5, 24),
        sender_organisation=miprof,
        sender_person="Secrétaire générale de la MIPROF",
        recipient_organisation=collective,
        recipient_person="Coordinatrice du collectif",
        subject="Réponse : groupe de travail, plan d'action, rendez-vous et grande cause nationale",
        summary=(
            "Résumé fictif : annonce d'un groupe de travail avec un focus sur les mineurs, consultation sur le "
            "plan, proposition de rendez-vous, appui à la candidature."
        ),
        in_reply_to=incoming,
        group=group,
        dossier=dossier,
        expects_reply=False,
    )
    # A current letter still awaiting a reply, so the overdue view is not empty.
    services.register_letter(
        acting_user=coordinator,
        direction=LetterDirection.INCOMING,
        letter_date=today - dt.timedelta(days=40),
        received_on=today - dt.timedelta(days=38),
        sender_organisation=orgs["crip-93"],
        sender_person="Responsable de la CRIP",
        recipient_organisation=miprof,
        subject="Demande d'appui pour la formation des équipes au repérage des mineurs",
        summary="Résumé fictif : demande de supports de formation et d'une intervention.",
        group=group,
    )

    # « je vous laisse le soin de fixer le jour et l'heure du rendez-vous »
    services.propose_appointment(
        acting_user=coordinator,
        proposer_organisation=miprof,
        target_organisation=collective,
        subject="Rendez-vous avec le collectif « Ensemble contre la traite »",
        message="Nous vous laissons le soin de fixer le jour et l'heure du rendez-vous parmi ces créneaux.",
        place="MIPROF, Paris",
        slots=[
            (_at(today + dt.timedelta(days=d), h), _at(today + dt.timedelta(days=d), h + 1))
            for d, h in ((8, 10), (9, 15), (12, 11))
        ],
    )
    ctx.log(
        f"  1 groupe de travail, {group.meetings.count()} réunions (1 personne extérieure invitée), 3 courriers, 1 "
        f"dossier, 1 rendez-vous"
    )
