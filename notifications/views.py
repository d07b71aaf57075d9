from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import PreferencesForm
from .models import Notice

PAGE_SIZE = 20


@login_required
def inbox(request):
    notices = Notice.objects.inbox_of(request.user).only(
        "pk", "subject", "category", "created_at", "read_at"
    )
    if request.GET.get("unread"):
        notices = notices.unread()
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread_only": bool(request.GET.get("unread"))},
    )


@login_required
def open_notice(request, pk):
    """Opening a notice marks it read and goes to its page — only for its recipient (404 else)."""
    notice = get_object_or_404(Notice.objects.inbox_of(request.user), pk=pk)
    link = services.open_notice(notice=notice)
    if not url_has_allowed_host_and_scheme(link, allowed_hosts=None) or not link.startswith("/"):
        return redirect("notifications:inbox")
    return redirect(link)


@login_required
@require_POST
def mark_all_read(request):
    services.mark_all_read(user=request.user)
    messages.success(request, _("모든 알림을 읽음으로 표시했습니다."))
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_preferences(user=request.user, choices=form.choices())
        messages.success(request, _("알림 수신 설정을 저장했습니다."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
