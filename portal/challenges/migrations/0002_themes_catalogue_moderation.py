"""Data the challenges app cannot work without: the themes, the catalogue page at /challenges/, the staff groups
with their page permissions, and the ministry's moderation workflow on the catalogue.

Groups are fetched with get_or_create so that the order against accounts' own group set-up does not matter.
"""

from django.db import migrations
from django.utils import timezone

THEMES = [
    ("tourism", "観光", "Tourism"),
    ("mobility", "交通・モビリティ", "Mobility and transport"),
    ("disaster-prevention", "防災", "Disaster prevention"),
    ("childcare", "子育て", "Childcare"),
    ("elderly-care", "高齢者・見守り", "Elderly care and watch-over"),
    ("snow-removal", "除雪", "Snow removal"),
    ("health", "健康・医療", "Health and medical care"),
    ("agriculture", "農林水産業", "Agriculture, forestry and fisheries"),
    ("environment-energy", "環境・エネルギー", "Environment and energy"),
    ("administration-dx", "行政DX", "Digital administration"),
    ("education", "教育", "Education"),
    ("infrastructure", "インフラ維持管理", "Infrastructure maintenance"),
    ("public-safety", "防犯・安全", "Public safety"),
    ("local-industry", "地域産業・商業", "Local industry and commerce"),
    ("community", "地域コミュニティ", "Community"),
    ("waste", "ごみ・リサイクル", "Waste and recycling"),
]

MINISTRY_GROUP = "Ministry"
MUNICIPALITY_GROUP = "Municipality"
WORKFLOW_NAME = "Ministry moderation of challenges"
TASK_NAME = "Ministry approval"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def _next_child_path(Page, parent):
    last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("-path").first()
    if last is None:
        return parent.path + "0001"
    step = last.path[-STEPLEN:]
    value = 0
    for ch in step:
        value = value * len(ALPHABET) + ALPHABET.index(ch)
    value += 1
    digits = ""
    for _ in range(STEPLEN):
        value, r = divmod(value, len(ALPHABET))
        digits = ALPHABET[r] + digits
    return parent.path + digits


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    ct, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    perm, _ = Permission.objects.get_or_create(content_type=ct, codename=codename, defaults={"name": name})
    return perm


def forwards(apps, schema_editor):
    Theme = apps.get_model("core", "Theme")
    for order, (slug, name_ja, name_en) in enumerate(THEMES, start=1):
        Theme.objects.update_or_create(
            slug=slug, defaults={"name_ja": name_ja, "name_en": name_en, "sort_order": order * 10}
        )

    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    ChallengeIndexPage = apps.get_model("challenges", "ChallengeIndexPage")
    home = Page.objects.filter(depth=2, content_type__app_label="core", content_type__model="homepage").first()
    index = ChallengeIndexPage.objects.first()
    if index is None and home is not None:
        ct, _ = ContentType.objects.get_or_create(app_label="challenges", model="challengeindexpage")
        now = timezone.now()
        index = ChallengeIndexPage.objects.create(
            title="自治体の課題",
            draft_title="自治体の課題",
            seo_title="",
            slug="challenges",
            content_type=ct,
            path=_next_child_path(Page, home),
            depth=home.depth + 1,
            numchild=0,
            url_path=f"{home.url_path}challenges/",
            locale_id=home.locale_id,
            live=True,
            first_published_at=now,
            last_published_at=now,
            intro="<p>自治体が解決したい地域の課題です。技術で応えられるスタートアップの応募をお待ちしています。</p>",
            intro_en="<p>Problems municipalities want solved. Startups with a fitting technology are welcome to apply.</p>",
        )
        Page.objects.filter(pk=home.pk).update(numchild=home.numchild + 1)

    Group = apps.get_model("auth", "Group")
    ministry, _ = Group.objects.get_or_create(name=MINISTRY_GROUP)
    municipality, _ = Group.objects.get_or_create(name=MUNICIPALITY_GROUP)
    access_admin = _permission(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")
    ministry.permissions.add(access_admin)
    municipality.permissions.add(access_admin)
    for codename in ("add_theme", "change_theme", "delete_theme", "view_theme"):
        ministry.permissions.add(_permission(apps, "core", "theme", codename, codename.replace("_", " ")))
    ministry.permissions.add(
        _permission(apps, "challenges", "challengepage", "import_challenges", "Can import challenges from a spreadsheet")
    )

    if index is not None:
        GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
        page_perm = {
            code: _permission(apps, "wagtailcore", "page", f"{code}_page", f"Can {code} page")
            for code in ("add", "change", "publish", "lock", "unlock", "bulk_delete")
        }
        # Municipality staff write and edit (their own, narrowed in code); they never publish.
        for code in ("add", "change"):
            GroupPagePermission.objects.get_or_create(group=municipality, page_id=index.pk, permission=page_perm[code])
        for code in ("add", "change", "publish", "lock", "unlock"):
            GroupPagePermission.objects.get_or_create(group=ministry, page_id=index.pk, permission=page_perm[code])

        Task = apps.get_model("wagtailcore", "Task")
        GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
        Workflow = apps.get_model("wagtailcore", "Workflow")
        WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
        WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
        task_ct, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
        task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=task_ct, active=True)
        task.groups.add(ministry)
        workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
        WorkflowTask.objects.get_or_create(workflow=workflow, task=Task.objects.get(pk=task.pk), defaults={"sort_order": 0})
        WorkflowPage.objects.update_or_create(page_id=index.pk, defaults={"workflow": workflow})

    # Municipality staff attach documents to their challenges: they may upload and choose, not edit others' files.
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root = Collection.objects.filter(depth=1).first()
    if root is not None:
        for group, codes in ((municipality, ("add", "choose")), (ministry, ("add", "change", "choose", "delete"))):
            for code in codes:
                perm = _permission(apps, "wagtaildocs", "document", f"{code}_document", f"Can {code} document")
                GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=perm)


class Migration(migrations.Migration):
    dependencies = [
        ("challenges", "0001_initial"),
        ("core", "0002_create_homepage"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
