"""The permission matrix: every view of ours, tried by every kind of user, on objects of every organisation.

Users: anonymous, startup A, startup B, municipality X, municipality Y, ministry staff M (see world.py: A applied
to X's challenge and works with X; B applied to Y's and works with Y; A also has a draft to Y's challenge).

Each row of MATRIX names a URL, the object whose arguments fill it, a method, and the exact outcome for each user:

    ok      2xx                                   404 / 403 / 400 / 405   that status
    login   redirect to the site's login          alogin  redirect to the admin's login (no admin access)
    denied  redirect to the admin home with Wagtail's "no permission" error
    home    redirect to the admin home without an error (where staff belong)
    redir   any other redirect

In POST rows a trailing * marks the users who may act: their request must write to the database; every other cell
must leave every table but the session and the audit log as it was (see _try). Each cell runs in a savepoint that is rolled back, so cells are
independent. Every 2xx page is also searched for the private markers (world.MARKERS) its user may not see.

The URL resolver is walked: a URL of ours (portal.* / matching views, and the admin viewsets of our models) without
a row fails the test, and so does a row naming a URL that no longer exists. Wagtail's own page screens are covered
by a few representative rows on X's challenge.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from contextlib import nullcontext
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from wagtail.admin.viewsets import viewsets

from matching.forms import RunStartForm
from portal.core.calendar import today_jst
from portal.core.models import AuditEvent, RateCounter
from tests.security.world import MARKERS, PDF, USERS, World

OUR_MODULES = ("portal.", "matching.", "matching")

# --------------------------------------------------------------------------------------------------------- the table
#  url name                                    object           method  anon    A       B       X       Y       M
MATRIX = """
# --- public site -----------------------------------------------------------------------------------------------
set_language                                   -                POST    redir   redir*  redir*  redir*  redir*  redir*
challenges:open_data_json                      -                GET     ok      ok      ok      ok      ok      ok
challenges:open_data_csv                       -                GET     ok      ok      ok      ok      ok      ok
results                                        -                GET     ok      ok      ok      ok      ok      ok
evidence_review                                token            GET     404     404     404     404     404     404
evidence_review                                review-token     GET     ok      ok      ok      ok      ok      ok
evidence_review                                review-token     POST    redir*  redir*  redir*  redir*  redir*  redir*
privacy                                        -                GET     ok      ok      ok      ok      ok      ok
startups:startup_list                          -                GET     ok      ok      ok      ok      ok      ok
startups:startup_detail                        org-A            GET     ok      ok      ok      ok      ok      ok
startups:startup_detail                        org-B            GET     404     404     404     404     404     404
geo:local_government_autocomplete              -                GET     ok      ok      ok      ok      ok      ok
programme:news_rss                             -                GET     ok      ok      ok      ok      ok      ok
programme:news_atom                            -                GET     ok      ok      ok      ok      ok      ok
search:search                                  -                GET     ok      ok      ok      ok      ok      ok
reports:challenge_sheet                        ch-X             GET     ok      ok      ok      ok      ok      ok
reports:challenge_sheet                        ch-X-draft       GET     404     404     404     404     404     404
wagtail_serve                                  page-ch-X        GET     ok      ok      ok      ok      ok      ok
wagtail_serve                                  page-ch-X-draft  GET     404     404     404     404     404     404
# --- accounts --------------------------------------------------------------------------------------------------
accounts:login                                 -                GET     ok      redir   redir   redir   redir   redir
accounts:logout                                -                POST    redir   redir   redir   redir   redir   redir
accounts:after_login                           -                GET     login   redir   redir   home    home    home
accounts:login_unlock_request                  -                GET     ok      ok      ok      ok      ok      ok
accounts:login_unlock                          token            GET     400     400     400     400     400     400
accounts:account                               -                GET     login   ok      ok      ok      ok      ok
accounts:email_change_confirm                  token            GET     400     400     400     400     400     400
accounts:two_factor                            -                GET     login   ok      ok      ok      ok      ok
accounts:two_factor_setup                      -                GET     login   ok      ok      ok      ok      ok
accounts:two_factor_verify                     -                GET     login   redir   redir   home    home    home
accounts:two_factor_recovery                   -                POST    login   redir   redir   redir   redir   redir
accounts:two_factor_disable                    -                POST    login   redir   redir   redir   redir   redir
two_factor_reset                               user-A           GET     alogin  alogin  alogin  denied  denied  ok
accounts:register                              -                GET     ok      redir   redir   home    home    home
accounts:register_done                         -                GET     ok      ok      ok      ok      ok      ok
accounts:resend_verification                   -                GET     ok      ok      ok      ok      ok      ok
accounts:verify_email                          token            GET     400     400     400     400     400     400
accounts:invitation_accept                     token            GET     400     400     400     400     400     400
accounts:password_reset                        -                GET     ok      ok      ok      ok      ok      ok
accounts:password_reset_done                   -                GET     ok      ok      ok      ok      ok      ok
accounts:password_reset_confirm                token            GET     ok      ok      ok      ok      ok      ok
accounts:password_reset_complete               -                GET     ok      ok      ok      ok      ok      ok
startups:mypage                                -                GET     login   ok      ok      home    home    home
# --- a startup's applications and profile ------------------------------------------------------------------------
applications:mine                              -                GET     login   ok      ok      403     403     403
applications:apply                             ch-X             GET     login   redir   ok      403     403     403
applications:apply                             ch-X             POST    login   redir   redir*  403     403     403
applications:apply                             ch-X-draft       GET     login   404     404     404     404     404
applications:detail                            app-AX           GET     login   ok      404     ok      404     ok
applications:detail                            draft-AY         GET     login   ok      404     404     404     404
applications:edit                              app-AX           GET     login   redir   404     404     404     404
applications:edit                              draft-AY         GET     login   ok      404     404     404     404
applications:edit                              draft-AY         POST    login   redir*  404     404     404     404
applications:submit                            draft-AY         POST    login   redir*  404     404     404     404
applications:withdraw                          app-AX           POST    login   redir*  404     404     404     404
applications:preference                        app-AX           POST    login   redir*  404     404     404     404
applications:attachment_upload                 draft-AY         POST    login   redir*  404     404     404     404
applications:attachment_download               att-AX           GET     404     ok      404     ok      404     ok
applications:attachment_download               att-draft-AY     GET     404     ok      404     404     404     404
applications:attachment_delete                 att-draft-AY     POST    login   redir*  404     404     404     404
startups:profile                               -                GET     login   ok      ok      403     403     403
startups:track_record_add                      -                POST    login   redir*  redir*  403     403     403
startups:track_record_remove                   track-A          POST    login   redir*  404     403     403     403
startups:team_add                              -                POST    login   redir*  redir*  403     403     403
startups:team_remove                           team-A           POST    login   redir*  404     403     403     403
startups:notifications                         -                GET     login   ok      ok      ok      ok      ok
startups:notifications                         note-A           POST    login   redir*  redir   redir   redir   redir
# --- tracker on the site -----------------------------------------------------------------------------------------
tracker:engagements                            -                GET     login   ok      ok      ok      ok      ok
tracker:engagement                             eng-XA           GET     login   ok      404     ok      404     ok
tracker:engagement                             eng-XA           POST    login   redir*  404     redir*  404     redir*
tracker:trips                                  -                GET     login   ok      ok      ok      ok      ok
tracker:trip_new                               eng-XA           GET     login   ok      404     403     404     403
tracker:trip_new                               eng-XA           POST    login   redir*  404     403     404     403
tracker:trip                                   trip-XA          GET     login   ok      404     ok      404     ok
tracker:trip                                   trip-YB-approved POST    login   404     redir*  404     403     403
tracker:receipt                                receipt-XA       GET     login   ok      404     ok      404     ok
tracker:attachment                             report-file-XA   GET     login   ok      404     ok      404     ok
tracker:review_statement                       review-XA        GET     login   ok      404     ok      404     ok
briefings:detail                               brief-X          GET     ok      ok      ok      ok      ok      ok
briefings:register                             brief-X          POST    login   redir   redir*  403     403     403
briefings:cancel_registration                  brief-X          POST    login   redir*  404     404     404     404
briefings:ics                                  brief-X          GET     login   ok      404     ok      404     ok
briefings:slides                               brief-X          GET     login   ok      404     ok      404     ok
briefings:mine                                 -                GET     login   ok      ok      ok      ok      ok
tracker:meetings                               -                GET     login   ok      ok      ok      ok      ok
tracker:meeting                                meet-XA          GET     login   ok      404     ok      404     ok
tracker:meeting                                meet-XA          POST    login   redir*  404     403     404     403
tracker:meeting_ics                            meet-XA          GET     login   404     404     404     404     404
tracker:meeting_ics                            meet-XA-agreed   GET     login   ok      404     ok      404     ok
tracker:agreement_file                         agr-file-XA      GET     login   ok      404     ok      404     ok
# --- questions and conversations on the site ----------------------------------------------------------------------
conversations:ask                              ch-X             GET     login   ok      ok      403     403     403
conversations:ask                              ch-X             POST    login   redir*  redir*  400     400     400
conversations:ask                              ch-X-draft       GET     login   404     404     404     404     404
conversations:follow                           ch-X             POST    login   redir*  redir   redir*  redir*  redir*
conversations:threads                          -                GET     login   ok      ok      ok      ok      ok
conversations:preferences                      -                GET     login   ok      ok      ok      ok      ok
conversations:preferences                      -                POST    login   redir*  redir*  redir*  redir*  redir*
conversations:application_thread               app-AX           GET     login   ok      404     ok      404     ok
conversations:application_thread               app-AX           POST    login   redir*  404     redir*  404     redir*
conversations:application_thread               draft-AY         GET     login   404     404     404     404     404
conversations:engagement_thread                eng-XA           GET     login   ok      404     ok      404     ok
conversations:engagement_thread                eng-XA           POST    login   redir*  404     redir*  404     redir*
conversations:attachment                       msg-file-XA      GET     404     ok      404     ok      404     ok
conversations:attachment                       note-file-XA     GET     404     404     404     ok      404     ok
# --- PDFs and exports on the site --------------------------------------------------------------------------------
reports:claim_form                             trip-XA          GET     login   ok      404     ok      404     ok
reports:engagement_summary                     eng-XA           GET     login   ok      404     ok      404     ok
reports:application                            app-AX           GET     login   ok      404     ok      404     ok
reports:application                            draft-AY         GET     login   ok      404     404     404     404
reports:proposal_sheet                         proposal-X-accepted GET  login   404     404     ok      404     ok
reports:evidence_pack                          pack-XA          GET     login   ok      404     ok      404     ok
reports:proposal_sheet                         proposal-X-open  GET     login   404     404     404     404     404
reports:export                                 export-applications GET  login   ok      ok      ok      ok      ok
reports:export                                 export-engagements GET   login   ok      ok      ok      ok      ok
reports:export                                 export-trips     GET     login   ok      ok      ok      ok      ok
reports:export                                 export-ledger    GET     login   ok      ok      ok      ok      ok
reports:export                                 export-funnel    GET     login   403     403     403     403     ok
# --- admin: challenges (ours and Wagtail's page screens on X's challenge) ------------------------------------------
challenges_import                              -                GET     alogin  alogin  alogin  denied  denied  ok
challenges_import                              -                POST    alogin  alogin  alogin  denied  denied  400
wagtailadmin_pages:edit                        ch-X             GET     alogin  alogin  alogin  ok      denied  ok
wagtailadmin_pages:view_draft                  ch-X             GET     alogin  alogin  alogin  ok      denied  ok
wagtailadmin_pages:history                     ch-X             GET     alogin  alogin  alogin  ok      denied  ok
wagtailadmin_pages:revisions_index             ch-X             GET     alogin  alogin  alogin  redir   redir   redir
wagtailadmin_pages:delete                      ch-X             GET     alogin  alogin  alogin  denied  denied  ok
wagtailadmin_pages:unpublish                   ch-X             POST    alogin  alogin  alogin  denied  denied  redir*
wagtailadmin_pages:copy                        ch-X             GET     alogin  alogin  alogin  ok      denied  ok
wagtailadmin_pages:lock                        ch-X             POST    alogin  alogin  alogin  denied  denied  redir*
wagtailadmin_pages:edit                        ch-X-draft       GET     alogin  alogin  alogin  ok      denied  ok
wagtailadmin_explore                           ch-index         GET     alogin  alogin  alogin  ok      ok      ok
wagtailadmin_pages:search                      q-draft          GET     alogin  alogin  alogin  ok      ok      ok
wagtailadmin_pages:search_results              q-draft          GET     alogin  alogin  alogin  ok      ok      ok
# --- admin: Wagtail's images and documents on X's files (each municipality has its own collection) ------------
wagtailimages:index                            -                GET     alogin  alogin  alogin  ok      ok      ok
wagtailimages:index_results                    -                GET     alogin  alogin  alogin  ok      ok      ok
wagtailimages:edit                             img-X            GET     alogin  alogin  alogin  ok      denied  ok
wagtailimages:delete                           img-X            GET     alogin  alogin  alogin  ok      denied  ok
wagtailimages:delete                           img-X            POST    alogin  alogin  alogin  redir*  denied  redir*
wagtailimages:preview                          img-X            GET     alogin  alogin  alogin  ok      denied  ok
wagtailimages:image_usage                      img-X            GET     alogin  alogin  alogin  ok      denied  ok
wagtailimages_chooser:choose                   -                GET     alogin  alogin  alogin  ok      ok      ok
wagtailimages_chooser:choose_results           -                GET     alogin  alogin  alogin  ok      ok      ok
wagtailimages_chooser:chosen                   img-X            GET     alogin  alogin  alogin  ok      denied  ok
wagtailadmin_api:pages:listing                 -                GET     alogin  alogin  alogin  ok      ok      ok
wagtailadmin_api:pages:detail                  ch-X-draft       GET     alogin  alogin  alogin  ok      404     ok
wagtailadmin_api:pages:find                    ch-X-draft-find  GET     alogin  alogin  alogin  redir   404     redir
wagtailadmin_api:pages:action                  ch-X-draft-action GET    alogin  alogin  alogin  405     405     405
wagtailadmin_api:images:listing                -                GET     alogin  alogin  alogin  ok      ok      ok
wagtailadmin_api:images:detail                 img-X            GET     alogin  alogin  alogin  ok      404     ok
wagtailadmin_api:images:find                   img-X-find       GET     alogin  alogin  alogin  redir   404     redir
wagtaildocs:index                              -                GET     alogin  alogin  alogin  ok      ok      ok
wagtaildocs:index_results                      -                GET     alogin  alogin  alogin  ok      ok      ok
wagtaildocs:edit                               doc-X            GET     alogin  alogin  alogin  ok      denied  ok
wagtaildocs:delete                             doc-X            GET     alogin  alogin  alogin  ok      denied  ok
wagtaildocs:delete                             doc-X            POST    alogin  alogin  alogin  redir*  denied  redir*
wagtaildocs:document_usage                     doc-X            GET     alogin  alogin  alogin  ok      denied  ok
wagtaildocs_chooser:choose                     -                GET     alogin  alogin  alogin  ok      ok      ok
wagtaildocs_chooser:choose_results             -                GET     alogin  alogin  alogin  ok      ok      ok
wagtaildocs_chooser:chosen                     doc-X            GET     alogin  alogin  alogin  ok      denied  ok
wagtailadmin_api:documents:listing             -                GET     alogin  alogin  alogin  ok      ok      ok
wagtailadmin_api:documents:detail              doc-X            GET     alogin  alogin  alogin  ok      404     ok
wagtailadmin_api:documents:find                doc-X-find       GET     alogin  alogin  alogin  redir   404     redir
wagtaildocs_serve                              doc-X-file       GET     404     404     404     ok      404     ok
# --- admin: applications ---------------------------------------------------------------------------------------
application:index                              -                GET     alogin  alogin  alogin  ok      ok      ok
application:index_results                      -                GET     alogin  alogin  alogin  ok      ok      ok
application:add                                -                GET     alogin  alogin  alogin  denied  denied  denied
application:edit                               app-AX           GET     alogin  alogin  alogin  denied  denied  denied
application:delete                             app-AX           GET     alogin  alogin  alogin  denied  denied  denied
application:history                            app-AX           GET     alogin  alogin  alogin  denied  denied  denied
application:history_results                    app-AX           GET     alogin  alogin  alogin  denied  denied  denied
application:usage                              app-AX           GET     alogin  alogin  alogin  denied  denied  denied
applications_review                            app-AX           GET     alogin  alogin  alogin  ok      404     ok
applications_review                            app-AX           POST    alogin  alogin  alogin  redir*  404     redir*
applications_review                            draft-AY         GET     alogin  alogin  alogin  404     404     404
applications_conflicts                         -                GET     alogin  alogin  alogin  ok      ok      ok
applications_conflicts                         -                POST    alogin  alogin  alogin  redir*  redir*  redir*
applications_conflict_withdraw                 conflict-X       POST    alogin  alogin  alogin  redir*  404     redir
rubric_criterion:index                         -                GET     alogin  alogin  alogin  denied  denied  ok
rubric_criterion:index_results                 -                GET     alogin  alogin  alogin  denied  denied  ok
rubric_criterion:add                           -                GET     alogin  alogin  alogin  denied  denied  ok
rubric_criterion:edit                          criterion-M      GET     alogin  alogin  alogin  denied  denied  ok
rubric_criterion:delete                        criterion-M      GET     alogin  alogin  alogin  denied  denied  ok
rubric_criterion:history                       criterion-M      GET     alogin  alogin  alogin  denied  denied  ok
rubric_criterion:history_results               criterion-M      GET     alogin  alogin  alogin  denied  denied  ok
rubric_criterion:usage                         criterion-M      GET     alogin  alogin  alogin  denied  denied  ok
rubric_weight:index                            -                GET     alogin  alogin  alogin  denied  denied  ok
rubric_weight:index_results                    -                GET     alogin  alogin  alogin  denied  denied  ok
rubric_weight:add                              -                GET     alogin  alogin  alogin  denied  denied  ok
rubric_weight:edit                             weight-X         GET     alogin  alogin  alogin  denied  denied  ok
rubric_weight:edit                             weight-X         POST    alogin  alogin  alogin  denied  denied  redir*
rubric_weight:delete                           weight-X         GET     alogin  alogin  alogin  denied  denied  ok
rubric_weight:delete                           weight-X         POST    alogin  alogin  alogin  denied  denied  redir*
rubric_weight:history                          weight-X         GET     alogin  alogin  alogin  denied  denied  ok
rubric_weight:history_results                  weight-X         GET     alogin  alogin  alogin  denied  denied  ok
rubric_weight:usage                            weight-X         GET     alogin  alogin  alogin  denied  denied  ok
# --- admin: questions and conversations --------------------------------------------------------------------------
conversations_question                         q-BX             GET     alogin  alogin  alogin  ok      404     ok
conversations_question                         q-BX             POST    alogin  alogin  alogin  redir*  404     redir*
conversations_application_thread               app-AX           GET     alogin  alogin  alogin  ok      404     ok
conversations_application_thread               app-AX           POST    alogin  alogin  alogin  redir*  404     redir*
conversations_application_thread               draft-AY         GET     alogin  alogin  alogin  404     404     404
conversations_engagement_thread                eng-XA           GET     alogin  alogin  alogin  ok      404     ok
conversations_engagement_thread                eng-XA           POST    alogin  alogin  alogin  redir*  404     redir*
question:index                                 -                GET     alogin  alogin  alogin  ok      ok      ok
question:index_results                         -                GET     alogin  alogin  alogin  ok      ok      ok
question:add                                   -                GET     alogin  alogin  alogin  denied  denied  denied
question:edit                                  q-BX             GET     alogin  alogin  alogin  denied  denied  denied
question:delete                                q-BX             GET     alogin  alogin  alogin  denied  denied  denied
question:history                               q-BX             GET     alogin  alogin  alogin  denied  denied  denied
question:history_results                       q-BX             GET     alogin  alogin  alogin  denied  denied  denied
question:usage                                 q-BX             GET     alogin  alogin  alogin  denied  denied  denied
message_thread:index                           -                GET     alogin  alogin  alogin  ok      ok      ok
message_thread:index_results                   -                GET     alogin  alogin  alogin  ok      ok      ok
message_thread:add                             -                GET     alogin  alogin  alogin  denied  denied  denied
message_thread:edit                            thread-AX        GET     alogin  alogin  alogin  denied  denied  denied
message_thread:delete                          thread-AX        GET     alogin  alogin  alogin  denied  denied  denied
message_thread:history                         thread-AX        GET     alogin  alogin  alogin  denied  denied  denied
message_thread:history_results                 thread-AX        GET     alogin  alogin  alogin  denied  denied  denied
message_thread:usage                           thread-AX        GET     alogin  alogin  alogin  denied  denied  denied
# --- admin: themes (a snippet) -----------------------------------------------------------------------------------
wagtailsnippets_core_theme:list                -                GET     alogin  alogin  alogin  denied  denied  ok
wagtailsnippets_core_theme:list_results        -                GET     alogin  alogin  alogin  denied  denied  ok
wagtailsnippets_core_theme:add                 -                GET     alogin  alogin  alogin  denied  denied  ok
wagtailsnippets_core_theme:edit                theme-M          GET     alogin  alogin  alogin  denied  denied  ok
wagtailsnippets_core_theme:delete              theme-M          GET     alogin  alogin  alogin  denied  denied  ok
wagtailsnippets_core_theme:delete              theme-M          POST    alogin  alogin  alogin  denied  denied  redir*
wagtailsnippets_core_theme:usage               theme-M          GET     alogin  alogin  alogin  denied  denied  ok
wagtailsnippets_core_theme:history             theme-M          GET     alogin  alogin  alogin  denied  denied  ok
wagtailsnippets_core_theme:history_results     theme-M          GET     alogin  alogin  alogin  denied  denied  ok
wagtailsnippets_core_theme:copy                theme-M          GET     alogin  alogin  alogin  denied  denied  ok
wagtailsnippetchoosers_core_theme:choose       -                GET     alogin  alogin  alogin  ok      ok      ok
wagtailsnippetchoosers_core_theme:choose_results -              GET     alogin  alogin  alogin  ok      ok      ok
wagtailsnippetchoosers_core_theme:chosen       theme-M          GET     alogin  alogin  alogin  ok      ok      ok
wagtailsnippetchoosers_core_theme:chosen_multiple -             GET     alogin  alogin  alogin  ok      ok      ok
wagtailsnippetchoosers_core_theme:create       -                GET     alogin  alogin  alogin  denied  denied  ok
# --- admin: matching (ministry only; others get the matching 403 page) ------------------------------------------
match_run:index                                -                GET     alogin  alogin  alogin  403     403     ok
match_run:index                                -                POST    alogin  alogin  alogin  403     403     redir*
match_run:index_results                        -                GET     alogin  alogin  alogin  403     403     ok
match_run:add                                  -                GET     alogin  alogin  alogin  denied  denied  denied
match_run:edit                                 run-M            GET     alogin  alogin  alogin  denied  denied  denied
match_run:delete                               run-M            GET     alogin  alogin  alogin  denied  denied  denied
match_run:history                              run-M            GET     alogin  alogin  alogin  denied  denied  denied
match_run:history_results                      run-M            GET     alogin  alogin  alogin  denied  denied  denied
match_run:usage                                run-M            GET     alogin  alogin  alogin  denied  denied  denied
match_run:run                                  run-M            GET     alogin  alogin  alogin  403     403     ok
match_run:run_results                          run-M            GET     alogin  alogin  alogin  403     403     ok
match_run:compare                              run-M            GET     alogin  alogin  alogin  403     403     ok
match_run:challenge                            run-M-ch-X       GET     alogin  alogin  alogin  403     403     ok
match_run:proposal_accept                      proposal-X-open  GET     alogin  alogin  alogin  403     403     405
# (X's challenge has its one partner, A: accepting another is refused with the reason, 400; rejecting is done)
match_run:proposal_accept                      proposal-X-open  POST    alogin  alogin  alogin  403     403     400
match_run:proposal_accept                      proposal-X-accepted POST alogin  alogin  alogin  403     403     400
match_run:proposal_reject                      proposal-X-open  POST    alogin  alogin  alogin  403     403     redir*
match_run:proposal_reject                      proposal-X-accepted POST alogin  alogin  alogin  403     403     400
# --- admin: tracker --------------------------------------------------------------------------------------------
engagement:index                               -                GET     alogin  alogin  alogin  ok      ok      ok
engagement:index_results                       -                GET     alogin  alogin  alogin  ok      ok      ok
engagement:add                                 -                GET     alogin  alogin  alogin  denied  denied  ok
engagement:add                                 -                POST    alogin  alogin  alogin  denied  denied  redir*
engagement:edit                                eng-XA           GET     alogin  alogin  alogin  denied  denied  denied
engagement:delete                              eng-XA           GET     alogin  alogin  alogin  denied  denied  denied
engagement:history                             eng-XA           GET     alogin  alogin  alogin  denied  denied  denied
engagement:history_results                     eng-XA           GET     alogin  alogin  alogin  denied  denied  denied
engagement:usage                               eng-XA           GET     alogin  alogin  alogin  denied  denied  denied
engagement:inspect                             eng-XA           GET     alogin  alogin  alogin  ok      404     ok
engagement:report                              eng-XA           POST    alogin  alogin  alogin  redir*  404     redir*
engagement:transition                          eng-XA           POST    alogin  alogin  alogin  redir*  404     redir*
engagement:describe                            eng-XA           POST    alogin  alogin  alogin  redir*  404     redir*
engagement:draft_case_study                    eng-XA           POST    alogin  alogin  alogin  redir*  404     redir*
engagement:approve_case_study                  eng-XA           POST    alogin  alogin  alogin  404     404     404
engagement:consent                             eng-XA           POST    alogin  alogin  alogin  redir*  404     403
engagement:invite_reviewer                     eng-XA           POST    alogin  alogin  alogin  403     404     403
engagement:pulse                               eng-XA           POST    alogin  alogin  alogin  redir*  404     403
engagement:adopt                               eng-XA           POST    alogin  alogin  alogin  400     404     400
travel_request:index                           -                GET     alogin  alogin  alogin  ok      ok      ok
travel_request:index_results                   -                GET     alogin  alogin  alogin  ok      ok      ok
travel_request:add                             -                GET     alogin  alogin  alogin  denied  denied  denied
travel_request:edit                            trip-XA          GET     alogin  alogin  alogin  denied  denied  denied
travel_request:delete                          trip-XA          GET     alogin  alogin  alogin  denied  denied  denied
travel_request:history                         trip-XA          GET     alogin  alogin  alogin  denied  denied  denied
travel_request:history_results                 trip-XA          GET     alogin  alogin  alogin  denied  denied  denied
travel_request:usage                           trip-XA          GET     alogin  alogin  alogin  denied  denied  denied
travel_request:inspect                         trip-XA          GET     alogin  alogin  alogin  ok      404     ok
travel_request:approve                         trip-XA-waiting  POST    alogin  alogin  alogin  denied  404     redir*
travel_request:reject                          trip-XA-waiting  POST    alogin  alogin  alogin  denied  404     redir*
travel_request:approve_excess                  trip-XA-waiting  POST    alogin  alogin  alogin  denied  404     400
travel_request:refuse_excess                   trip-XA-waiting  POST    alogin  alogin  alogin  denied  404     400
travel_request:pay                             trip-XA-waiting  POST    alogin  alogin  alogin  denied  404     400
fiscal_budget:index                            -                GET     alogin  alogin  alogin  denied  denied  ok
fiscal_budget:index_results                    -                GET     alogin  alogin  alogin  denied  denied  ok
fiscal_budget:add                              -                GET     alogin  alogin  alogin  denied  denied  ok
fiscal_budget:add                              -                POST    alogin  alogin  alogin  denied  denied  redir*
fiscal_budget:edit                             budget-M-pk      GET     alogin  alogin  alogin  denied  denied  denied
fiscal_budget:delete                           budget-M-pk      GET     alogin  alogin  alogin  denied  denied  denied
fiscal_budget:history                          budget-M-pk      GET     alogin  alogin  alogin  denied  denied  denied
fiscal_budget:history_results                  budget-M-pk      GET     alogin  alogin  alogin  denied  denied  denied
fiscal_budget:usage                            budget-M-pk      GET     alogin  alogin  alogin  denied  denied  denied
fiscal_budget:ledger                           budget-M         GET     alogin  alogin  alogin  denied  denied  ok
fiscal_budget:ledger                           budget-M         POST    alogin  alogin  alogin  denied  denied  redir*
adoption_request:index                         -                GET     alogin  alogin  alogin  denied  denied  ok
adoption_request:index_results                 -                GET     alogin  alogin  alogin  denied  denied  ok
adoption_request:add                           -                GET     alogin  alogin  alogin  denied  denied  denied
adoption_request:edit                          adoption-M       GET     alogin  alogin  alogin  denied  denied  denied
adoption_request:delete                        adoption-M       GET     alogin  alogin  alogin  denied  denied  denied
adoption_request:history                       adoption-M       GET     alogin  alogin  alogin  denied  denied  denied
adoption_request:history_results               adoption-M       GET     alogin  alogin  alogin  denied  denied  denied
adoption_request:usage                         adoption-M       GET     alogin  alogin  alogin  denied  denied  denied
adoption_request:inspect                       adoption-M       GET     alogin  alogin  alogin  denied  denied  ok
adoption_request:link                          adoption-M       POST    alogin  alogin  alogin  denied  denied  redir*
adoption_request:decline                       adoption-M       POST    alogin  alogin  alogin  denied  denied  redir*
tracker_admin:dashboard                        -                GET     alogin  alogin  alogin  denied  denied  ok
budget_request_deadline:index                  -                GET     alogin  alogin  alogin  ok      ok      ok
budget_request_deadline:index_results          -                GET     alogin  alogin  alogin  ok      ok      ok
budget_request_deadline:add                    -                GET     alogin  alogin  alogin  ok      ok      ok
budget_request_deadline:add                    -                POST    alogin  alogin  alogin  redir*  400     redir*
budget_request_deadline:edit                   brd-X            GET     alogin  alogin  alogin  denied  denied  denied
budget_request_deadline:delete                 brd-X            GET     alogin  alogin  alogin  denied  denied  denied
budget_request_deadline:history                brd-X            GET     alogin  alogin  alogin  denied  denied  denied
budget_request_deadline:history_results        brd-X            GET     alogin  alogin  alogin  denied  denied  denied
budget_request_deadline:usage                  brd-X            GET     alogin  alogin  alogin  denied  denied  denied
agreement:index                                -                GET     alogin  alogin  alogin  ok      ok      ok
agreement:index_results                        -                GET     alogin  alogin  alogin  ok      ok      ok
agreement:add                                  agr-new-XA       GET     alogin  alogin  alogin  ok      404     ok
agreement:add                                  agr-new-XA       POST    alogin  alogin  alogin  redir*  404     redir*
agreement:edit                                 agr-XA           GET     alogin  alogin  alogin  denied  denied  denied
agreement:delete                               agr-XA           GET     alogin  alogin  alogin  denied  denied  denied
agreement:history                              agr-XA           GET     alogin  alogin  alogin  denied  denied  denied
agreement:history_results                      agr-XA           GET     alogin  alogin  alogin  denied  denied  denied
agreement:usage                                agr-XA           GET     alogin  alogin  alogin  denied  denied  denied
agreement:inspect                              agr-XA           GET     alogin  alogin  alogin  ok      404     ok
agreement:amend                                agr-XA           POST    alogin  alogin  alogin  redir*  404     redir*
evidence_pack:index                            -                GET     alogin  alogin  alogin  denied  denied  ok
evidence_pack:index_results                    -                GET     alogin  alogin  alogin  denied  denied  ok
evidence_pack:add                              eng-XA           GET     alogin  alogin  alogin  denied  404     denied
evidence_pack:add                              eng-XA           POST    alogin  alogin  alogin  denied  404     denied
evidence_pack:add                              solved-X         GET     alogin  alogin  alogin  ok      404     denied
evidence_pack:add                              solved-X         POST    alogin  alogin  alogin  redir*  404     denied
evidence_pack:edit                             pack-XA          GET     alogin  alogin  alogin  denied  denied  denied
evidence_pack:delete                           pack-XA          GET     alogin  alogin  alogin  denied  denied  denied
evidence_pack:history                          pack-XA          GET     alogin  alogin  alogin  denied  denied  denied
evidence_pack:history_results                  pack-XA          GET     alogin  alogin  alogin  denied  denied  denied
evidence_pack:usage                            pack-XA          GET     alogin  alogin  alogin  denied  denied  denied
solution:index                                 -                GET     alogin  alogin  alogin  ok      ok      ok
solution:index_results                         -                GET     alogin  alogin  alogin  ok      ok      ok
solution:inspect                               solved-X         GET     alogin  alogin  alogin  ok      ok      ok
solution:inspect                               eng-XA           GET     alogin  alogin  alogin  404     404     404
solution:join                                  solved-X         POST    alogin  alogin  alogin  400     redir*  redir*
solution:join                                  eng-XA           POST    alogin  alogin  alogin  404     404     404
solution:add                                   -                GET     alogin  alogin  alogin  denied  denied  denied
solution:edit                                  solved-X         GET     alogin  alogin  alogin  denied  denied  denied
solution:delete                                solved-X         GET     alogin  alogin  alogin  denied  denied  denied
solution:history                               solved-X         GET     alogin  alogin  alogin  denied  denied  denied
solution:history_results                       solved-X         GET     alogin  alogin  alogin  denied  denied  denied
solution:usage                                 solved-X         GET     alogin  alogin  alogin  denied  denied  denied
notification:index                             -                GET     alogin  alogin  alogin  ok      ok      ok
notification:index_results                     -                GET     alogin  alogin  alogin  ok      ok      ok
notification:add                               -                GET     alogin  alogin  alogin  denied  denied  denied
notification:edit                              note-A           GET     alogin  alogin  alogin  denied  denied  denied
notification:delete                            note-A           GET     alogin  alogin  alogin  denied  denied  denied
notification:history                           note-A           GET     alogin  alogin  alogin  denied  denied  denied
notification:history_results                   note-A           GET     alogin  alogin  alogin  denied  denied  denied
notification:usage                             note-A           GET     alogin  alogin  alogin  denied  denied  denied
notifications_mark_read                        -                POST    alogin  alogin  alogin  redir*  redir*  redir*
briefing:index                                 -                GET     alogin  alogin  alogin  ok      ok      ok
briefing:index_results                         -                GET     alogin  alogin  alogin  ok      ok      ok
briefing:add                                   -                GET     alogin  alogin  alogin  ok      ok      ok
briefing:add                                   -                POST    alogin  alogin  alogin  redir*  ok      redir*
briefing:edit                                  brief-X          GET     alogin  alogin  alogin  ok      404     ok
briefing:delete                                brief-X          GET     alogin  alogin  alogin  denied  404     denied
briefing:history                               brief-X          GET     alogin  alogin  alogin  ok      404     ok
briefing:history_results                       brief-X          GET     alogin  alogin  alogin  ok      404     ok
briefing:usage                                 brief-X          GET     alogin  alogin  alogin  ok      404     ok
briefings_admin_session                        brief-X          GET     alogin  alogin  alogin  ok      404     ok
briefings_admin_session                        brief-X          POST    alogin  alogin  alogin  redir*  404     redir*
meeting:index                                  -                GET     alogin  alogin  alogin  ok      ok      ok
meeting:index_results                          -                GET     alogin  alogin  alogin  ok      ok      ok
meeting:inspect                                meet-XA          GET     alogin  alogin  alogin  ok      404     ok
meeting:offer                                  meet-XA          POST    alogin  alogin  alogin  redir*  404     redir*
meeting:offer                                  meet-XA          GET     alogin  alogin  alogin  405     404     405
meeting:change                                 meet-XA-agreed   POST    alogin  alogin  alogin  redir*  404     redir*
meeting:change                                 meet-XA          POST    alogin  alogin  alogin  400     404     400
meeting:cancel                                 meet-XA          POST    alogin  alogin  alogin  redir*  404     redir*
meeting:add_for_engagement                     eng-XA           GET     alogin  alogin  alogin  ok      404     ok
meeting:add_for_engagement                     eng-XA           POST    alogin  alogin  alogin  redir*  404     redir*
meeting:add_for_application                    app-AX           GET     alogin  alogin  alogin  ok      404     ok
meeting:add_for_application                    app-AX           POST    alogin  alogin  alogin  redir*  404     redir*
meeting:add_for_application                    draft-AY         GET     alogin  alogin  alogin  404     404     404
meeting:edit                                   meet-XA          GET     alogin  alogin  alogin  denied  denied  denied
meeting:delete                                 meet-XA          GET     alogin  alogin  alogin  denied  denied  denied
meeting:history                                meet-XA          GET     alogin  alogin  alogin  denied  denied  denied
meeting:history_results                        meet-XA          GET     alogin  alogin  alogin  denied  denied  denied
meeting:usage                                  meet-XA          GET     alogin  alogin  alogin  denied  denied  denied
# --- admin: reports --------------------------------------------------------------------------------------------
reports_admin:index                            -                GET     alogin  alogin  alogin  ok      ok      ok
reports_admin:annual                           annual-M         GET     alogin  alogin  alogin  denied  denied  ok
reports_admin:annual                           annual-M         POST    alogin  alogin  alogin  denied  denied  redir*
reports_admin:annual_file                      annual-file-M    GET     alogin  alogin  alogin  denied  denied  ok
reports_admin:download                         annual-file-M    GET     alogin  alogin  alogin  denied  denied  ok
reports_admin:applications                     -                GET     alogin  alogin  alogin  ok      ok      ok
reports_admin:applications_results             -                GET     alogin  alogin  alogin  ok      ok      ok
reports_admin:engagements                      -                GET     alogin  alogin  alogin  ok      ok      ok
reports_admin:engagements_results              -                GET     alogin  alogin  alogin  ok      ok      ok
reports_admin:trips                            -                GET     alogin  alogin  alogin  ok      ok      ok
reports_admin:trips_results                    -                GET     alogin  alogin  alogin  ok      ok      ok
reports_admin:ledger                           -                GET     alogin  alogin  alogin  ok      ok      ok
reports_admin:ledger_results                   -                GET     alogin  alogin  alogin  ok      ok      ok
reports_admin:funnel                           -                GET     alogin  alogin  alogin  denied  denied  ok
reports_admin:funnel_results                   -                GET     alogin  alogin  alogin  denied  denied  ok
# --- admin: audit log (ministry only) --------------------------------------------------------------------------
xact_report_locked_pages                       -                GET     alogin  alogin  alogin  denied  denied  ok
xact_report_locked_pages_results               -                GET     alogin  alogin  alogin  denied  denied  ok
xact_report_aging_pages                        -                GET     alogin  alogin  alogin  ok      ok      ok
xact_report_aging_pages_results                -                GET     alogin  alogin  alogin  ok      ok      ok
xact_report_site_history                       -                GET     alogin  alogin  alogin  ok      ok      ok
xact_report_site_history_results               -                GET     alogin  alogin  alogin  ok      ok      ok
xact_report_workflow                           -                GET     alogin  alogin  alogin  ok      ok      ok
xact_report_workflow_results                   -                GET     alogin  alogin  alogin  ok      ok      ok
xact_report_workflow_tasks                     -                GET     alogin  alogin  alogin  ok      ok      ok
xact_report_workflow_tasks_results             -                GET     alogin  alogin  alogin  ok      ok      ok
audit_log                                      -                GET     alogin  alogin  alogin  denied  denied  ok
audit_log_results                              -                GET     alogin  alogin  alogin  denied  denied  ok
# --- admin: organisations, members, invitations (scoped viewsets: another organisation's object is a 404) --------
accounts_organisations:index                   -                GET     alogin  alogin  alogin  ok      ok      ok
accounts_organisations:index_results           -                GET     alogin  alogin  alogin  ok      ok      ok
accounts_organisations:add                     -                GET     alogin  alogin  alogin  denied  denied  ok
accounts_organisations:edit                    org-X            GET     alogin  alogin  alogin  ok      404     ok
accounts_organisations:edit                    org-X            POST    alogin  alogin  alogin  ok      404     ok
accounts_organisations:edit                    org-A            GET     alogin  alogin  alogin  404     404     ok
accounts_organisations:delete                  org-X            GET     alogin  alogin  alogin  denied  404     ok
accounts_organisations:history                 org-X            GET     alogin  alogin  alogin  ok      404     ok
accounts_organisations:history_results         org-X            GET     alogin  alogin  alogin  ok      404     ok
accounts_organisations:usage                   org-X            GET     alogin  alogin  alogin  ok      404     ok
accounts_organisations:inspect                 org-X            GET     alogin  alogin  alogin  ok      404     ok
accounts_memberships:index                     -                GET     alogin  alogin  alogin  ok      ok      ok
accounts_memberships:index_results             -                GET     alogin  alogin  alogin  ok      ok      ok
accounts_memberships:add                       -                GET     alogin  alogin  alogin  denied  denied  denied
accounts_memberships:edit                      mem-X            GET     alogin  alogin  alogin  denied  404     ok
accounts_memberships:delete                    mem-X            GET     alogin  alogin  alogin  denied  404     ok
accounts_memberships:delete                    mem-A-2          POST    alogin  alogin  alogin  404     404     redir*
accounts_memberships:history                   mem-X            GET     alogin  alogin  alogin  denied  404     ok
accounts_memberships:history_results           mem-X            GET     alogin  alogin  alogin  denied  404     ok
accounts_memberships:usage                     mem-X            GET     alogin  alogin  alogin  denied  404     ok
accounts_invitations:index                     -                GET     alogin  alogin  alogin  denied  denied  ok
accounts_invitations:index_results             -                GET     alogin  alogin  alogin  denied  denied  ok
accounts_invitations:add                       -                GET     alogin  alogin  alogin  denied  denied  ok
accounts_invitations:edit                      inv-X            GET     alogin  alogin  alogin  denied  404     denied
accounts_invitations:delete                    inv-X            GET     alogin  alogin  alogin  denied  404     ok
accounts_invitations:delete                    inv-X            POST    alogin  alogin  alogin  denied  404     redir*
accounts_invitations:history                   inv-X            GET     alogin  alogin  alogin  denied  404     ok
accounts_invitations:history_results           inv-X            GET     alogin  alogin  alogin  denied  404     ok
accounts_invitations:usage                     inv-X            GET     alogin  alogin  alogin  denied  404     denied
# --- admin: Wagtail's user screens over our User model (users are invited, never edited here) ------------------
wagtailusers_users:index                       -                GET     alogin  alogin  alogin  denied  denied  ok
wagtailusers_users:index_results               -                GET     alogin  alogin  alogin  denied  denied  ok
wagtailusers_users:add                         -                GET     alogin  alogin  alogin  denied  denied  denied
wagtailusers_users:edit                        user-A           GET     alogin  alogin  alogin  denied  denied  denied
wagtailusers_users:delete                      user-A           GET     alogin  alogin  alogin  denied  denied  denied
wagtailusers_users:copy                        user-A           GET     alogin  alogin  alogin  denied  denied  denied
wagtailusers_users:history                     user-A           GET     alogin  alogin  alogin  denied  denied  denied
wagtailusers_users:history_results             user-A           GET     alogin  alogin  alogin  denied  denied  denied
wagtailusers_users:usage                       user-A           GET     alogin  alogin  alogin  denied  denied  denied
"""

OUTCOMES = {"ok", "login", "alogin", "denied", "home", "redir", "400", "403", "404", "405"}


@dataclass(frozen=True)
class Row:
    name: str
    obj: str
    method: str
    expected: dict[str, str]  # user → outcome
    allowed: frozenset[str]  # POST rows: the users whose request must change the database

    @property
    def id(self) -> str:
        return f"{self.name}|{self.obj}|{self.method}"


def _parse(table: str) -> list[Row]:
    rows = []
    for line in table.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, obj, method, *cells = line.split()
        assert len(cells) == len(USERS), line
        assert method in ("GET", "POST"), line
        expected = {u: c.rstrip("*") for u, c in zip(USERS, cells, strict=True)}
        allowed = frozenset(u for u, c in zip(USERS, cells, strict=True) if c.endswith("*"))
        assert set(expected.values()) <= OUTCOMES, line
        assert method == "POST" or not allowed, line
        rows.append(Row(name, obj, method, expected, allowed))
    ids = [r.id for r in rows]
    assert len(ids) == len(set(ids)), "a row appears twice"
    return rows


ROWS = _parse(MATRIX)


# --------------------------------------------------------------------------------------------------- POST bodies


def _meeting_payload(kind: str, *, prefix: str = "") -> dict[str, str]:
    """Propose (a kind and a title) or, with a form's prefix, offer or move: one slot a month ahead."""
    day = (today_jst() + dt.timedelta(days=30)).isoformat()
    slot = {"slot1_date": day, "slot1_start": "10:00", "slot1_end": "11:00", "slot1_place": "高松市役所"}
    return ({"kind": kind, "title": "面談"} if kind else {}) | {prefix + k: v for k, v in slot.items()}


def _briefing_payload(world: World) -> dict[str, str]:
    starts = dt.datetime.combine(today_jst() + dt.timedelta(days=20), dt.time(14, 0))
    return {
        "challenge": str(world.ch_x.pk),
        "title": "説明会",
        "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (starts + dt.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
        "format": "on_site",
        "venue": "高松市役所",
        "capacity": "10",
        "registration_closes": (starts - dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M"),
    }


def _payloads(world: World) -> dict[str, object]:
    """What each POST row sends: valid data, so that a refusal is the permission's and not the form's."""
    proposal = {
        "approach": "別の提案",
        "expected_outcome": "成果",
        "timeline": "3か月",
        "cost_estimate_yen": "1000000",
        "needs_from_municipality": "データ",
    }
    return {
        "set_language": {"language": "en", "next": "/"},
        "applications:apply": proposal,
        "applications:edit": proposal | {"approach": "直した提案"},
        "applications:attachment_upload": lambda: {
            "file": SimpleUploadedFile("more.pdf", PDF, "application/pdf")
        },
        "startups:track_record_add": {"local_government": "014877", "year": "2019", "outcome": "poc"},
        "startups:team_add": {"name": "佐藤花子", "role": "CFO"},
        "startups:notifications": {"id": [str(world.notification["A"].pk)]},
        "tracker:engagement": {"action": "report", "text": "進捗を報告します"},
        "tracker:trip_new": {
            "origin": "130001",
            "departure_date": str(world.trip_waiting["XA"].departure_date),
            "return_date": str(world.trip_waiting["XA"].return_date),
            "travellers": "1",
            "traveller_names": "山田太郎",
            "purpose": "二回目の訪問",
            "transport": "express",
            "fares_yen": "40000",
            "lodging_yen": "11800",
            "allowance_yen": "4400",
        },
        "tracker:trip": {"action": "trip_done"},
        "tracker:meeting": {
            "action": "pick",
            "slot": str(world.meeting_xa.slots.order_by("starts_at").first().pk),
        },
        "notifications_mark_read": {},
        "meeting:offer": _meeting_payload("", prefix="offer-") | {"offer-note": "別の日程です"},
        "meeting:change": _meeting_payload("", prefix="change-") | {"change-reason": "議会日程のため"},
        "meeting:cancel": {"cancel-reason": "議会日程のため"},
        "briefings_admin_session": {"action": "cancel", "cancel-reason": "会場の都合"},
        "briefing:add": _briefing_payload(world),
        "meeting:add_for_engagement": _meeting_payload("first_visit"),
        "meeting:add_for_application": _meeting_payload("interview"),
        "challenges_import": lambda: {"file": SimpleUploadedFile("c.csv", b"title\n", "text/csv")},
        "wagtailadmin_pages:unpublish": {},
        "wagtailadmin_pages:lock": {},
        "wagtailimages:delete": {},
        "wagtaildocs:delete": {},
        "applications:preference": {"rank": "1"},
        "applications_conflicts": {"startup": str(world.startup_a.pk), "reason": "元勤務先"},
        "applications_conflict_withdraw": {},
        "applications_review": {"decide": "1", "decision-action": "shortlist", "decision-reason": "良い提案"},
        "rubric_weight:edit": {
            "challenge": str(world.ch_x.pk),
            "criterion": str(world.criterion.pk),
            "weight": "3",
        },
        "rubric_weight:delete": {},
        "wagtailsnippets_core_theme:delete": {},
        "match_run:index": {
            name: str(field.initial)
            for name, field in RunStartForm().fields.items()
            if field.initial is not None
        },
        "match_run:proposal_accept": {"reason": "面談で合意"},
        "match_run:proposal_reject": {"reason": "合わない"},
        "engagement:report": {"text": "進捗を報告します"},
        "engagement:transition": {"transition": "consult", "reason": "協議へ進む"},
        "engagement:describe": {
            "title": "遠隔健診",
            "title_en": "",
            "summary": "妊婦健診を遠隔で。",
            "summary_en": "",
        },
        "engagement:draft_case_study": {},
        "engagement:approve_case_study": {},
        "engagement:consent": {"purpose": "publish_case_study", "granted": "1"},
        "engagement:invite_reviewer": {"reviewer-name": "佐藤", "reviewer-email": "s@example.jp"},
        "engagement:pulse": {
            "pulse-satisfaction": "4",
            "pulse-would_work_again": "yes",
            "pulse-blocker": "budget",
        },
        "engagement:adopt": {"municipality": str(world.muni_y.pk), "message": "うちでも使いたい"},
        "budget_request_deadline:add": {"municipality": str(world.muni_x.pk), "month": "10", "day": "15"},
        "agreement:amend": lambda: {
            "amend-signed_on": str(today_jst()),
            "amend-summary": "期間を延長",
            "amend-ends_on": str(today_jst() + dt.timedelta(days=400)),
            "amend-files": SimpleUploadedFile("amend.pdf", PDF, "application/pdf"),
        },
        "agreement:add": lambda: {
            "kind": "contract",
            "title": "業務委託契約",
            "parties": "高松市\n株式会社A",
            "signed_on": str(today_jst()),
            "starts_on": str(today_jst()),
            "ends_on": str(today_jst() + dt.timedelta(days=365)),
            "amount_yen": "3000000",
            "files": SimpleUploadedFile("contract.pdf", PDF, "application/pdf"),
        },
        "engagement:add": {
            "municipality": str(world.muni_y.pk),
            "startup": str(world.startup_a.pk),
            "title": "新しい連携",
            "reason": "ワーキンググループで合意",
        },
        "travel_request:approve": {"amount_yen": "50000"},
        "travel_request:reject": {"reason": "目的が不明"},
        "travel_request:approve_excess": {},
        "travel_request:refuse_excess": {"reason": "上限を超える"},
        "travel_request:pay": {"paid_on": str(today_jst())},
        "fiscal_budget:add": {"fiscal_year": str(world.fiscal_year), "amount_yen": "6000000"},
        "fiscal_budget:ledger": {"entry": str(world.pay_entry.pk), "reason": "誤り"},
        "evidence_review": lambda: {
            "opinion": "成果は妥当",
            "statement": SimpleUploadedFile("statement.pdf", PDF, "application/pdf"),
        },
        "evidence_pack:add": {
            "clause": "2",
            "conditions_met": ["2:only_supplier", "2:poc_shows", "2:explainable"],
            "price_note": "見積りと比較",
            "next_fiscal_year": str(world.fiscal_year + 1),
            "budget_request_deadline": f"{world.fiscal_year + 1}-01-31",
        },
        "solution:join": {
            "municipality": str(world.muni_y.pk),
            "population": "3000",
            "budget_min_yen": "100000",
            "budget_max_yen": "500000",
            "message": "参加したい",
        },
        "adoption_request:link": {"reason": "実証の結果が良い"},
        "adoption_request:decline": {"reason": "対象外"},
        "reports_admin:annual": {},
        "accounts_organisations:edit": {},
        "accounts_memberships:delete": {},
        "accounts_invitations:delete": {},
        "accounts:logout": {},
        "conversations:ask": {"text": "データの形式を教えてください"},
        "conversations:follow": {"follow": "1"},
        "conversations:preferences": {"email": "daily"},
        "conversations:application_thread": {"body": "補足します"},
        "conversations:engagement_thread": {"body": "訪問の相談です"},
        "conversations_question": {"action": "answer", "answer-answer": "CSV で提供します"},
        "conversations_application_thread": {"body": "職員からの連絡です"},
        "conversations_engagement_thread": {"body": "職員からの連絡です"},
    }


# --------------------------------------------------------------------------------------------------- the URL map


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace) if x) if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, prefix + str(p.pattern), p.callback


def _is_ours(module: str) -> bool:
    return module.startswith(OUR_MODULES)


def _our_viewset_namespaces() -> set[str]:
    _ = get_resolver().url_patterns  # loading the admin's URLs registers the viewsets
    namespaces = set()
    for vs in viewsets.viewsets:
        model = getattr(vs, "model", None)
        if isinstance(model, str):
            model = apps.get_model(model)
        if _is_ours(type(vs).__module__) or (model is not None and _is_ours(model.__module__)):
            namespaces.add(vs.url_namespace)
    return namespaces


def _our_urls() -> dict[str, str]:
    """name → route of every URL whose view is ours or belongs to an admin viewset of ours."""
    namespaces = _our_viewset_namespaces()
    found = {}
    for name, route, callback in _walk(get_resolver().url_patterns):
        view_class = getattr(callback, "view_class", None)
        module = (view_class or callback).__module__
        if _is_ours(module) or (name and name.split(":")[0] in namespaces):
            assert name, f"{route}: a URL of ours without a name cannot be in the matrix"
            found.setdefault(name, route)
    return found


def test_every_url_of_ours_has_a_row():
    covered = {row.name for row in ROWS}
    missing = sorted(set(_our_urls()) - covered)
    assert not missing, f"URLs without a row in the permission matrix: {missing}"


def test_every_row_names_an_existing_url():
    names = {name for name, _route, _callback in _walk(get_resolver().url_patterns) if name}
    gone = sorted({row.name for row in ROWS} - names)
    assert not gone, f"rows naming URLs that no longer exist: {gone}"


def test_the_matrix_sees_our_admin_viewsets():
    """The walk finds the viewsets' URLs (a guard on the guard: a Wagtail change must not hide them)."""
    ours = _our_urls()
    for name in (
        "accounts_organisations:edit",
        "application:history",
        "rubric_weight:delete",
        "wagtailsnippets_core_theme:edit",
        "engagement:inspect",
        "fiscal_budget:ledger",
        "match_run:run",
    ):
        assert name in ours, name


# --------------------------------------------------------------------------------------------------- the world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            cache.clear()
            built = World()
            built.clients = {"anon": Client()}
            for key, user in built.users.items():
                client = Client()
                client.force_login(user)
                built.clients[key] = client
            built.kwargs = built.objects()
            built.payloads = _payloads(built)
            yield built
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _quick_pdfs(monkeypatch):
    """The PDFs' content is tested in tests/reports; here only who gets one matters."""
    from portal.reports.views import site

    monkeypatch.setattr(site, "render_pdf", lambda *args, **kwargs: PDF)


# Tables a refused request may still write: the session (messages, login state), the audit log (which may
# record the attempt) and the rate-limit counters (a refused request counts too; portal/core/counters.py keeps them
# in the database when there is no Redis).
_WRITES_ALLOWED = {"django_session", AuditEvent._meta.db_table, RateCounter._meta.db_table}
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?(\w+)', re.IGNORECASE)


def _written_tables(queries) -> set[str]:
    """The tables the captured SQL wrote to (a refused request must write none of ours)."""
    tables = set()
    for query in queries:
        match = _WRITE.match(query["sql"])
        if match and match.group(1) not in _WRITES_ALLOWED:
            tables.add(match.group(1))
    return tables


def _url(world, row: Row) -> str:
    values = dict(world.kwargs[row.obj])
    query = values.pop("?", "")
    if "url" in values:
        return values["url"] + query
    names = _converter_names(_route_of(row.name))
    if all(n in values for n in names):
        return reverse(row.name, kwargs={n: values[n] for n in names}) + query
    assert len(names) == 1 and "pk" in values, (row.id, names, values)
    return reverse(row.name, kwargs={names[0]: values["pk"]}) + query


_ROUTES = None


def _route_of(name: str) -> str:
    global _ROUTES
    if _ROUTES is None:
        _ROUTES = {}
        for n, route, _cb in _walk(get_resolver().url_patterns):
            if n:
                _ROUTES.setdefault(n, route)
    return _ROUTES[name]


def _converter_names(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def _outcome(response) -> str:
    code = response.status_code
    if 200 <= code < 300:
        return "ok"
    if code in (301, 302, 303):
        path = urlparse(response["Location"]).path
        if path in {reverse("accounts:login"), "/en" + reverse("accounts:login")}:
            return "login"
        if path == reverse("wagtailadmin_login"):
            return "alogin"
        if path == reverse("wagtailadmin_home"):
            errors = [m for m in get_messages(response.wsgi_request) if m.level == message_levels.ERROR]
            return "denied" if errors else "home"
        return "redir"
    return str(code)


def _body(response) -> str:
    # The test client closes the response once the content is read (closing it again would fire request_finished
    # with Django's close_old_connections connected, which closes a PostgreSQL connection inside the savepoint).
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", "ignore").lower()


def _dump(tables) -> dict[str, list]:
    with connection.cursor() as cursor:
        images = {}
        for table in sorted(tables):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            images[table] = sorted(map(repr, cursor.fetchall()))
    return images


def _try(world, row: Row, user: str) -> tuple[str, list[str], set[str]]:
    """One cell: (outcome, markers shown that the user may not see, tables whose rows the request changed).

    The request runs in a savepoint: the tables it wrote to are read, the savepoint is rolled back and they are
    read again; the difference is what the request changed (an UPDATE matching no row changes nothing)."""
    client = world.clients[user]
    cookies = copy.deepcopy(client.cookies)
    url = _url(world, row)
    cache.clear()
    capture = CaptureQueriesContext(connection) if row.method == "POST" else nullcontext([])
    with capture as queries, transaction.atomic():
        if row.method == "GET":
            response = client.get(url)
        else:
            data = world.payloads.get(row.name, {})
            response = client.post(url, data() if callable(data) else data)
        outcome = _outcome(response)
        leaked = []
        if outcome == "ok":
            body = _body(response)
            leaked = [m for m, who in MARKERS.items() if user not in who and m in body]
        written = _written_tables(queries) if row.method == "POST" else set()
        after = _dump(written)
        transaction.set_rollback(True)
    before = _dump(written)
    client.cookies = cookies
    translation.activate("ja")
    return outcome, leaked, {t for t in written if before[t] != after[t]}


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_permission_matrix(row, world):
    problems = []
    for user in USERS:
        outcome, leaked, changed = _try(world, row, user)
        if outcome != row.expected[user]:
            problems.append(f"{user}: expected {row.expected[user]}, got {outcome}")
        if leaked:
            problems.append(f"{user}: the page shows {leaked}")
        if row.method == "POST" and bool(changed) != (user in row.allowed):
            problems.append(f"{user}: " + (f"changed {sorted(changed)}" if changed else "changed nothing"))
    assert not problems, "\n".join(problems)


# Where an allowed user does see each marker: without this, a marker nobody sees would prove nothing.
MARKER_PAGES = {
    "zq-app-ax": ("applications:detail", "app-AX", "X"),
    "zq-app-by": ("applications_review", "app-BY", "Y"),
    "zq-draft-ay": ("applications:detail", "draft-AY", "A"),
    "zq-team-a": ("startups:profile", "-", "A"),
    "zq-team-b": ("startups:profile", "-", "B"),
    "zq-eng-xa": ("tracker:engagements", "-", "X"),
    "zq-eng-yb": ("engagement:index", "-", "M"),
    "zq-trip-xa": ("tracker:trip", "trip-XA", "A"),
    "zq-trip-yb": ("travel_request:inspect", "trip-YB", "M"),
    "zq-report-xa": ("tracker:engagement", "eng-XA", "X"),
    "zq-report-yb": ("engagement:inspect", "eng-YB", "Y"),
    "zq-draft-ch-x": ("wagtailadmin_pages:edit", "ch-X-draft", "X"),
    "zq-invite-x": ("accounts_invitations:index", "-", "M"),
    "zq-invite-y": ("accounts_invitations:index", "-", "M"),
    "zq-note-a": ("startups:notifications", "-", "A"),
    "zq-note-b": ("startups:notifications", "-", "B"),
    "zq-img-x": ("wagtailimages:index", "-", "X"),
    "zq-doc-x": ("wagtaildocs:index", "-", "X"),
    "zq-conflict-x": ("applications_conflicts", "-", "X"),
    "zq-meet-xa": ("meeting:index", "-", "X"),
    "zq-agr-xa": ("tracker:engagement", "eng-XA", "A"),
    "zq-brief-x": ("briefings:detail", "brief-X", "A"),
    "zq-question-bx": ("wagtail_serve", "page-ch-X", "B"),
    "zq-msg-xa": ("conversations:application_thread", "app-AX", "A"),
    "zq-inote-xa": ("conversations_application_thread", "app-AX", "X"),
}


@pytest.mark.django_db
def test_every_marker_is_seen_where_it_belongs(world):
    assert set(MARKER_PAGES) == set(MARKERS)
    unseen = []
    for marker, (name, obj, user) in MARKER_PAGES.items():
        assert user in MARKERS[marker]
        client = world.clients[user]
        response = client.get(_url(world, Row(name, obj, "GET", {}, frozenset())))
        if response.status_code != 200 or marker not in _body(response):
            unseen.append(marker)
    assert not unseen, f"markers not shown to a user who may see them: {unseen}"
