"""Security headers on every response: a Content-Security-Policy, Permissions-Policy and Cross-Origin-Opener-Policy.

Django's SecurityMiddleware already sends X-Content-Type-Options, Referrer-Policy and (in production) HSTS;
XFrameOptionsMiddleware sends X-Frame-Options. This middleware adds what Django 5.2 does not have.

Two policies (docs/security.md explains each directive):
- the site: no inline script or style at all (our templates have none; charts are server-drawn SVG), nothing from
  other origins, no framing;
- the Wagtail admin (/admin/): Wagtail's own templates use inline scripts and styles, and page previews frame the
  site's pages inside the admin, so the admin allows 'unsafe-inline' and same-origin framing — still nothing from
  other origins. Preview responses are served under /admin/ and therefore get the admin policy.

Settings: CSP_SITE and CSP_ADMIN override either policy (a dict of directive → list of sources); CSP_REPORT_ONLY
sends the policy as Content-Security-Policy-Report-Only instead (to trial a change on a live site).
"""

from __future__ import annotations

from django.conf import settings

SELF = "'self'"
NONE = "'none'"

SITE_POLICY: dict[str, list[str]] = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "frame-src": [NONE],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}

ADMIN_POLICY: dict[str, list[str]] = {
    **SITE_POLICY,
    # Wagtail's admin templates carry inline <script> (wagtailConfig, icons) and style attributes.
    "script-src": [SELF, "'unsafe-inline'"],
    "style-src": [SELF, "'unsafe-inline'"],
    # Image previews and the rich-text editor use blob: and data: URLs.
    "img-src": [SELF, "data:", "blob:"],
    # Page previews: the editor frames the preview, which is also served from /admin/.
    "frame-src": [SELF],
    "frame-ancestors": [SELF],
    "worker-src": [SELF, "blob:"],
}

# Features the portal never uses; a page (or anything injected into it) cannot ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
        "browsing-topics",
    )
)


def render_policy(policy: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


def _admin_prefix() -> str:
    return getattr(settings, "CSP_ADMIN_PATH_PREFIX", "/admin/")


def policy_for(path: str) -> str:
    if path.startswith(_admin_prefix()):
        return render_policy(getattr(settings, "CSP_ADMIN", None) or ADMIN_POLICY)
    return render_policy(getattr(settings, "CSP_SITE", None) or SITE_POLICY)


class SecurityHeadersMiddleware:
    """Adds the CSP, Permissions-Policy and Cross-Origin-Opener-Policy headers (a view's own headers win)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "is_dummy", False):
            # Wagtail's preview runs the page's request through the middleware inside the admin's preview view:
            # leave the headers to that outer (admin) response, or the site's frame-ancestors 'none' would stop
            # the editor from framing its own preview.
            return response
        header = (
            "Content-Security-Policy-Report-Only"
            if getattr(settings, "CSP_REPORT_ONLY", False)
            else "Content-Security-Policy"
        )
        if header not in response:
            response[header] = policy_for(request.path)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = PERMISSIONS_POLICY
        if "Cross-Origin-Opener-Policy" not in response:
            response["Cross-Origin-Opener-Policy"] = "same-origin"
        return response
