"""The jobs page and one job's page, which refreshes itself (htmx) while the job runs."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.core.errors import ValidationFailed
from accord.core.web import is_partial, paginate, viewer
from accord.jobs import selectors, services
from accord.jobs.models import JobStatus


def job_list(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    status = request.GET.get("status", "")
    page, query = paginate(request, selectors.jobs_visible_to(user, status=status if status in JobStatus.values
                                                               else ""), per_page=50)
    rows = [(job, selectors.live_progress(job)) for job in page]
    return render(request, "jobs/list.html", {"page": page, "rows": rows, "query": query, "status": status,
                                              "statuses": JobStatus.choices})


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = selectors.progress_of(selectors.job_by_id(viewer(request), pk))
    template = "jobs/_progress.html" if is_partial(request) else "jobs/detail.html"
    return render(request, template, context)


@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    job = selectors.job_by_id(user, pk)
    try:
        again = services.retry_job(actor=user, job=job)
    except ValidationFailed as exc:
        messages.error(request, str(exc))
        return redirect("jobs:detail", job.pk)
    messages.success(request, f"Job #{job.pk} queued again as #{again.pk}.")
    return redirect("jobs:detail", again.pk)
