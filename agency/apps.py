from django.apps import AppConfig


class AgencyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "agency"
    verbose_name = "Agency"

    def ready(self) -> None:
        # Sign-in events are audited from the signals Django and django-axes send (not domain rules).
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from agency import links, sign_in  # noqa: F401 (links registers its deploy check)
        from agency.access_changes import user_access_changed
        from agency.models import User

        user_logged_in.connect(sign_in.on_user_logged_in, dispatch_uid="caseline.audit.signed_in")
        user_logged_out.connect(sign_in.on_user_logged_out, dispatch_uid="caseline.audit.signed_out")
        user_login_failed.connect(sign_in.on_user_login_failed, dispatch_uid="caseline.audit.sign_in_failed")
        user_locked_out.connect(sign_in.on_user_locked_out, dispatch_uid="caseline.audit.locked_out")
        # What User.save calls when a user's access changed (the model imports no service: no cycle).
        User.access_changed = staticmethod(user_access_changed)
