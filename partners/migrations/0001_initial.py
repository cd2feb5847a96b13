"""The partner models, moved here from the claims app without touching their tables."""

import django.db.models.deletion
import partners.models
from django.db import migrations, models

MODELS = ("partnerkey", "webhook", "webhookdelivery")


def _relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=old, model__in=MODELS).update(app_label=new)


def relabel_content_types(apps, schema_editor):
    _relabel(apps, "claims", "partners")


def unrelabel_content_types(apps, schema_editor):
    _relabel(apps, "partners", "claims")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('claims', '0007_partner_models_moved'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        # State only: the tables were created by the claims app and keep their names
        # (``db_table``), so an existing desk keeps every key, webhook and delivery.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PartnerKey',
                    fields=[
                        ('id', models.CharField(editable=False, max_length=150, primary_key=True, serialize=False, unique=True)),
                        ('prefix', models.CharField(editable=False, max_length=8, unique=True)),
                        ('hashed_key', models.CharField(editable=False, max_length=150)),
                        ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('name', models.CharField(default=None, help_text='A free-form name for the API key. Need not be unique. 50 characters max.', max_length=50)),
                        ('revoked', models.BooleanField(blank=True, default=False, help_text='If the API key is revoked, clients cannot use it anymore. (This cannot be undone.)')),
                        ('expiry_date', models.DateTimeField(blank=True, help_text='Once API key expires, clients cannot use it anymore.', null=True, verbose_name='Expires')),
                        ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='last used at')),
                    ],
                    options={
                        'verbose_name': 'partner API key',
                        'verbose_name_plural': 'partner API keys',
                        'db_table': 'claims_partnerkey',
                        'ordering': ('-created',),
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='Webhook',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('url', models.URLField(max_length=2048, verbose_name='URL')),
                        ('secret', models.CharField(default=partners.models._webhook_secret, max_length=100, verbose_name='signing secret')),
                        ('active', models.BooleanField(default=True, verbose_name='active')),
                        ('events', models.JSONField(default=partners.models._all_webhook_events, help_text='A list of: published, corrected, retracted.', validators=[partners.models._validate_webhook_events], verbose_name='events')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('partner_key', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='webhooks', to='partners.partnerkey', verbose_name='partner key')),
                    ],
                    options={
                        'verbose_name': 'webhook',
                        'verbose_name_plural': 'webhooks',
                        'db_table': 'claims_webhook',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='WebhookDelivery',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('event', models.CharField(max_length=20, verbose_name='event')),
                        ('payload', models.JSONField(verbose_name='payload')),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('succeeded', 'Succeeded'), ('failed', 'Failed')], db_index=True, default='pending', max_length=10, verbose_name='status')),
                        ('attempts', models.PositiveIntegerField(default=0, verbose_name='attempts')),
                        ('response_code', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='response code')),
                        ('error', models.TextField(blank=True, verbose_name='error')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('last_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='last attempt at')),
                        ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='next attempt at')),
                        ('delivered_at', models.DateTimeField(blank=True, null=True, verbose_name='delivered at')),
                        ('claim', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='claims.claim', verbose_name='claim')),
                        ('webhook', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='partners.webhook', verbose_name='webhook')),
                    ],
                    options={
                        'verbose_name': 'webhook delivery',
                        'verbose_name_plural': 'webhook deliveries',
                        'db_table': 'claims_webhookdelivery',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='webhook',
                    constraint=models.CheckConstraint(condition=models.Q(('url', ''), _negated=True), name='webhook_url_not_empty'),
                ),
                migrations.AddConstraint(
                    model_name='webhook',
                    constraint=models.CheckConstraint(condition=models.Q(('secret', ''), _negated=True), name='webhook_secret_not_empty'),
                ),
                migrations.AddConstraint(
                    model_name='webhookdelivery',
                    constraint=models.CheckConstraint(condition=models.Q(('event__in', ('published', 'corrected', 'retracted'))), name='webhookdelivery_event_valid'),
                ),
                migrations.AddConstraint(
                    model_name='webhookdelivery',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'succeeded', 'failed'])), name='webhookdelivery_status_valid'),
                ),
            ],
            database_operations=[],
        ),
        # Their content types (and so permissions, admin log entries) move along.
        migrations.RunPython(relabel_content_types, unrelabel_content_types),
    ]
