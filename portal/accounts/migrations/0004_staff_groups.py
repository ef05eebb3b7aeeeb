"""The Wagtail groups "Ministry" (full rights over the programme) and "Municipality" (limited), with permissions."""

from django.db import migrations

from portal.accounts import roles


def create_groups(apps, schema_editor):
    roles.create_staff_groups(apps)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[roles.MINISTRY_GROUP, roles.MUNICIPALITY_GROUP]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_alter_startupprofile_unique_corporate_number"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("core", "0002_create_homepage"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
