import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import sources.models
from claims.defaults import sync_desk_groups


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('claims', '0004_pg_trgm'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Source',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url', models.CharField(help_text='As first entered by the desk.', max_length=2048, verbose_name='URL')),
                ('normalised_url', models.CharField(help_text="The source's identity: one source per normalised URL.", max_length=2048, verbose_name='normalised URL')),
                ('state', models.CharField(choices=[('pending', 'Pending'), ('fetching', 'Fetching'), ('fetched', 'Fetched'), ('failed', 'Failed'), ('blocked', 'Blocked')], db_index=True, default='pending', max_length=10, verbose_name='state')),
                ('attempts', models.IntegerField(default=0, verbose_name='attempts')),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='next attempt at')),
                ('lease_token', models.CharField(blank=True, max_length=32, verbose_name='lease token')),
                ('lease_expires_at', models.DateTimeField(blank=True, null=True, verbose_name='lease expires at')),
                ('reason', models.TextField(blank=True, help_text='Why the last fetch failed or what it noticed.', verbose_name='reason')),
                ('is_changed', models.BooleanField(default=False, verbose_name='text changed')),
                ('is_dead', models.BooleanField(default=False, verbose_name='dead link')),
                ('is_redirected', models.BooleanField(default=False, verbose_name='redirected elsewhere')),
                ('flagged_at', models.DateTimeField(blank=True, null=True, verbose_name='flagged at')),
                ('last_fetched_at', models.DateTimeField(blank=True, null=True, verbose_name='last fetched at')),
                ('recheck_due_at', models.DateTimeField(blank=True, null=True, verbose_name='re-check due at')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
            ],
            options={
                'verbose_name': 'source',
                'verbose_name_plural': 'sources',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Snapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('fetched_at', models.DateTimeField(db_index=True, verbose_name='fetched at')),
                ('status_code', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='HTTP status')),
                ('final_url', models.CharField(blank=True, max_length=2048, verbose_name='final URL')),
                ('redirects', models.JSONField(blank=True, default=list, help_text='[{url, status}] in order.', verbose_name='redirect chain')),
                ('headers', models.JSONField(blank=True, default=dict, verbose_name='selected headers')),
                ('content_type', models.CharField(blank=True, max_length=200, verbose_name='content type')),
                ('charset', models.CharField(blank=True, max_length=40, verbose_name='charset')),
                ('body', models.FileField(blank=True, max_length=200, upload_to=sources.models.snapshot_upload_to, verbose_name='body')),
                ('size', models.PositiveBigIntegerField(default=0, verbose_name='size in bytes')),
                ('title', models.CharField(blank=True, max_length=500, verbose_name='title')),
                ('text', models.TextField(blank=True, verbose_name='extracted text')),
                ('published_on', models.CharField(blank=True, help_text='ISO date, if found.', max_length=10, verbose_name='publication date')),
                ('language', models.CharField(blank=True, max_length=35, verbose_name='language')),
                ('sha256', models.CharField(blank=True, max_length=64, verbose_name='sha256 of the body')),
                ('text_sha256', models.CharField(blank=True, max_length=64, verbose_name='sha256 of the text')),
                ('kind', models.CharField(choices=[('html', 'HTML page'), ('pdf', 'PDF'), ('text', 'Text'), ('other', 'Other (metadata only)'), ('error', 'No response')], default='other', max_length=10, verbose_name='kind')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='snapshots', to='sources.source', verbose_name='source')),
            ],
            options={
                'verbose_name': 'snapshot',
                'verbose_name_plural': 'snapshots',
                'ordering': ['-fetched_at', '-id'],
                'get_latest_by': ['fetched_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Citation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('supports', 'Supports the verdict'), ('refutes', 'Refutes the claim'), ('context', 'Context'), ('origin', 'Origin of the claim')], default='supports', max_length=10, verbose_name='role')),
                ('passage', models.TextField(blank=True, verbose_name='quoted passage')),
                ('order', models.PositiveIntegerField(default=0, verbose_name='order')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('claim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='citations', to='claims.claim', verbose_name='claim')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='citations', to='sources.source', verbose_name='source')),
            ],
            options={
                'verbose_name': 'citation',
                'verbose_name_plural': 'citations',
                'ordering': ['claim', 'order', 'id'],
            },
        ),
        migrations.AddIndex(
            model_name='source',
            index=models.Index(fields=['state', 'next_attempt_at'], name='source_state_next_attempt'),
        ),
        migrations.AddIndex(
            model_name='source',
            index=models.Index(fields=['state', 'lease_expires_at'], name='source_state_lease'),
        ),
        migrations.AddIndex(
            model_name='source',
            index=models.Index(fields=['state', 'recheck_due_at'], name='source_state_recheck'),
        ),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.UniqueConstraint(fields=('normalised_url',), name='source_normalised_url_unique'),
        ),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['pending', 'fetching', 'fetched', 'failed', 'blocked'])), name='source_state_valid'),
        ),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.CheckConstraint(condition=models.Q(('attempts__gte', 0)), name='source_attempts_gte_0'),
        ),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.CheckConstraint(condition=models.Q(('url', ''), _negated=True), name='source_url_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.CheckConstraint(condition=models.Q(('normalised_url', ''), _negated=True), name='source_normalised_url_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'fetching'), _negated=True), models.Q(('lease_expires_at__isnull', False), models.Q(('lease_token', ''), _negated=True)), _connector='OR'), name='source_fetching_has_lease'),
        ),
        migrations.AddIndex(
            model_name='snapshot',
            index=models.Index(fields=['source', '-fetched_at', '-id'], name='snapshot_source_latest'),
        ),
        migrations.AddConstraint(
            model_name='snapshot',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['html', 'pdf', 'text', 'other', 'error'])), name='snapshot_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='snapshot',
            constraint=models.CheckConstraint(condition=models.Q(('status_code__isnull', True), models.Q(('status_code__gte', 100), ('status_code__lte', 599)), _connector='OR'), name='snapshot_status_code_range'),
        ),
        migrations.AddConstraint(
            model_name='citation',
            constraint=models.UniqueConstraint(fields=('claim', 'source', 'role'), name='citation_unique_claim_source_role'),
        ),
        migrations.AddConstraint(
            model_name='citation',
            constraint=models.CheckConstraint(condition=models.Q(('role__in', ['supports', 'refutes', 'context', 'origin'])), name='citation_role_valid'),
        ),
        # The desk groups list sources.* permissions; they exist only now.
        migrations.RunPython(sync_desk_groups, migrations.RunPython.noop),
    ]
