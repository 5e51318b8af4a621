from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Delivers the event outbox to live screens (issue 5).

    Nothing starts here on purpose: `ready()` also runs in `migrate`, in the shell and in
    runserver's autoreloader parent, where a worker would mark events delivered into a
    channel layer nobody listens to. The in-process worker starts from the ASGI
    application instead (`notifications.embedded`).
    """

    name = "notifications"
    verbose_name = "通知与投递 (notifications)"
