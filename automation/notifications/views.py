"""The notifications page: the targets with their masked URL, events and last result; a form to
add one; per target enable/disable, delete and "send test" (queued for the worker, the row
then polls until the test was sent or given up). Page and row come from one template.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseStopPolling

from automation.models import NotificationDelivery, NotificationTarget
from automation.notifications import services
from automation.notifications.schemas import MAX_URL
from soulspot.lib.errors import SoulSpotError
from soulspot.lib.schemas import MAX_TEXT

TEMPLATE = "automation/notifications.html"


class TargetForm(forms.Form):
    url = forms.CharField(label="Apprise URL", max_length=MAX_URL)
    name = forms.CharField(max_length=MAX_TEXT, required=False)
    events = forms.MultipleChoiceField(
        choices=NotificationTarget.Event.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=services.ALL_EVENTS,
    )


def index(request: HttpRequest) -> HttpResponse:
    services.seed_from_environment()
    return _page(request, TargetForm())


@require_POST
def create(request: HttpRequest) -> HttpResponse:
    form = TargetForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.create_target(data["url"], data["events"], name=data["name"])
        except SoulSpotError as exc:
            form.add_error("url", str(exc))
        else:
            messages.success(request, "Notification target added.")
            return redirect("notifications:index")
    return _page(request, form, status=400)


@require_POST
def toggle(request: HttpRequest, target_id: int) -> HttpResponse:
    target = get_object_or_404(NotificationTarget, pk=target_id)
    services.update_target(target, services.TargetChanges(enabled=not target.enabled))
    return redirect("notifications:index")


@require_POST
def delete(request: HttpRequest, target_id: int) -> HttpResponse:
    services.delete_target(get_object_or_404(NotificationTarget, pk=target_id))
    messages.success(request, "Notification target deleted.")
    return redirect("notifications:index")


@require_POST
def test(request: HttpRequest, target_id: int) -> HttpResponse:
    target = get_object_or_404(NotificationTarget, pk=target_id)
    delivery = services.send_test(target)
    if not request.htmx:
        messages.success(request, "Test message queued; its result shows below.")
        return redirect("notifications:index")
    return _row(request, target, delivery)


def row(request: HttpRequest, target_id: int, delivery_id: int) -> HttpResponse:
    """The polled row while a test is on its way; polling stops once it was sent or given up."""
    target = get_object_or_404(NotificationTarget, pk=target_id)
    delivery = NotificationDelivery.objects.filter(pk=delivery_id, target=target).first()
    if delivery is None or delivery.state != NotificationDelivery.State.QUEUED:
        html = render(request, f"{TEMPLATE}#target", {"target": target}).content
        return HttpResponseStopPolling(html)
    return _row(request, target, delivery)


def _row(request: HttpRequest, target: NotificationTarget, delivery: object) -> HttpResponse:
    return render(request, f"{TEMPLATE}#target", {"target": target, "delivery": delivery})


def _page(request: HttpRequest, form: TargetForm, status: int = 200) -> HttpResponse:
    context = {"targets": NotificationTarget.objects.all(), "form": form}
    return render(request, TEMPLATE, context, status=status)
