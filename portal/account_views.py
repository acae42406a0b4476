"""The account pages a user manages alone: API tokens and two-factor authentication."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import ApiTokenForm
from .tokens import api_token_issue, api_token_lifetime, api_token_revoke, api_tokens_of


@login_required
def token_list(request):
    """The owner's tokens; a new one is shown once, right after it is created."""
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = api_token_issue(
            user=request.user, name=form.cleaned_data["name"], by=request.user
        )
        form = ApiTokenForm()
    context = {
        "form": form,
        "new_key": new_key,
        "tokens": api_tokens_of(request.user),
        "lifetime": api_token_lifetime(request.user),
    }
    return render(request, "portal/account/token_list.html", context)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(api_tokens_of(request.user), pk=pk)
    api_token_revoke(token=token, by=request.user)
    messages.success(request, _("Jeton révoqué."))
    return redirect("portal:token-list")
