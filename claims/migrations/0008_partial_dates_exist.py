"""Partial dates: a full date must be a day of the calendar (the validator, no data change)."""

import claims.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0007_partner_models_moved'),
    ]

    operations = [
        migrations.AlterField(
            model_name='article',
            name='published_on',
            field=models.CharField(blank=True, help_text='As precise as known: 2022, 2022-01 or 2022-01-07.', max_length=10, validators=[claims.models.PartialDateValidator()], verbose_name='published on'),
        ),
        migrations.AlterField(
            model_name='claim',
            name='stated_on',
            field=models.CharField(blank=True, max_length=10, validators=[claims.models.PartialDateValidator()], verbose_name='stated on'),
        ),
        migrations.AlterField(
            model_name='historicalarticle',
            name='published_on',
            field=models.CharField(blank=True, help_text='As precise as known: 2022, 2022-01 or 2022-01-07.', max_length=10, validators=[claims.models.PartialDateValidator()], verbose_name='published on'),
        ),
        migrations.AlterField(
            model_name='historicalclaim',
            name='stated_on',
            field=models.CharField(blank=True, max_length=10, validators=[claims.models.PartialDateValidator()], verbose_name='stated on'),
        ),
    ]
