"""The partner models (API keys, webhooks, deliveries) moved to the partners app."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0006_public_updated_index'),
    ]

    operations = [
        # State only: the tables stay as they are (claims_partnerkey, claims_webhook,
        # claims_webhookdelivery) and belong to the partners app from now on.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name='webhook',
                    name='webhook_url_not_empty',
                ),
                migrations.RemoveConstraint(
                    model_name='webhook',
                    name='webhook_secret_not_empty',
                ),
                migrations.RemoveConstraint(
                    model_name='webhookdelivery',
                    name='webhookdelivery_event_valid',
                ),
                migrations.RemoveConstraint(
                    model_name='webhookdelivery',
                    name='webhookdelivery_status_valid',
                ),
                migrations.RemoveField(
                    model_name='webhook',
                    name='partner_key',
                ),
                migrations.RemoveField(
                    model_name='webhookdelivery',
                    name='claim',
                ),
                migrations.RemoveField(
                    model_name='webhookdelivery',
                    name='webhook',
                ),
                migrations.DeleteModel(
                    name='PartnerKey',
                ),
                migrations.DeleteModel(
                    name='Webhook',
                ),
                migrations.DeleteModel(
                    name='WebhookDelivery',
                ),
            ],
            database_operations=[],
        ),
    ]
