"""Seed the message templates (notifications/defaults.py); staff edit them in the admin."""

from django.db import migrations


def seed(apps, schema_editor):
    from notifications.defaults import seed_templates

    seed_templates(apps.get_model("notifications", "MessageTemplate"))


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_messages_and_reminders")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
