"""`makemessages` that also extracts the strings marked with `_lazy`.

Some modules need both an eager and a lazy gettext and import
`gettext_lazy as _lazy` (the choice lists and labels defined at import time).
xgettext only knows Django's own names, so without this keyword those strings
never reached the catalogue: `make messages` marked their English obsolete and
the translation check (scripts/check-translations.sh) could not see them.
Django's documented way to add a keyword is to override the command.
"""

from django.core.management.commands.makemessages import Command as MakeMessagesCommand


class Command(MakeMessagesCommand):
    xgettext_options = [*MakeMessagesCommand.xgettext_options, "--keyword=_lazy"]
