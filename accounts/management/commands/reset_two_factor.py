from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from pcc_grants.models import User


class Command(BaseCommand):
    help = (
        "Remove every second factor of a user who lost theirs (an administrator's reset, "
        "recorded in the security history); they set up a new one at their next sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--as", dest="by", required=True, help="The administrator.")
        parser.add_argument("--reason", required=True)

    def handle(self, *args, username, by, reason, **options):
        try:
            person = User.objects.get(username=username)
            administrator = User.objects.get(username=by, is_active=True)
        except User.DoesNotExist as error:
            raise CommandError(f"No such active user: {error}") from error
        try:
            removed = services.two_factor_reset(person, by=administrator, reason=reason)
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        self.stdout.write(f"{person}: {removed} second factor(s) removed.")
