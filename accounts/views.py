"""The office's user pages (用户管理): the users of the admin's node, creating one, deactivating,
reactivating, resetting a password and lifting a sign-in lock. Admin role only; a user outside
the office answers 404, as one that does not exist. And every user's own settings (个人设置)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from accounts.forms import ProfileForm, UserBackForm, UserCreateForm
from accounts.selectors.users import place_names, user_history, user_list
from accounts.services.profile import CHANNEL_FIELDS, configured_channels, profile_update
from accounts.services.users import user_create, user_password_reset, user_set_active, user_unlock
from projects.views.mixins import ForgivingPaginationMixin, OfficeAdminRequiredMixin, add_service_errors

NOT_FOUND = "没有找到该用户，或不在您的管理范围内。"
PASSWORD_PAGE = "accounts/user_password.html"


class UserListView(OfficeAdminRequiredMixin, ForgivingPaginationMixin, ListView):
    template_name = "accounts/user_list.html"
    context_object_name = "managed_users"
    paginate_by = 100

    def get_queryset(self):
        return user_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for row in context["managed_users"]:
            row.place_names = place_names(row)
        return context


class ManagedUserMixin(OfficeAdminRequiredMixin):
    """A view about one user the admin manages (404 for anyone else)."""

    @cached_property
    def managed(self):
        return get_object_or_404(user_list(user=self.request.user), pk=self.kwargs["pk"])


class UserDetailView(ManagedUserMixin, TemplateView):
    template_name = "accounts/user_detail.html"

    def get_context_data(self, **kwargs):
        managed = self.managed
        managed.place_names = place_names(managed)
        return super().get_context_data(
            managed=managed,
            is_self=managed.pk == self.request.user.pk,
            history=user_history(viewer=self.request.user, user=managed),
            **kwargs,
        )


class UserCreateView(OfficeAdminRequiredMixin, FormView):
    template_name = "accounts/user_form.html"
    form_class = UserCreateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            issued = user_create(by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        # The password is on this response only: no redirect, no message that would keep it.
        return render(self.request, PASSWORD_PAGE, {"issued": issued, "created": True})


class UserActionView(ManagedUserMixin, View):
    """A POST that changes one user, answered by going back where it was pressed."""

    http_method_names = ["post"]

    def back(self):
        form = UserBackForm(self.request.POST)
        if form.is_valid() and form.cleaned_data["back"] == "list":
            return redirect("user_list")
        return redirect("user_detail", pk=self.managed.pk)

    def refused(self, error):
        messages.error(self.request, "；".join(error.messages))
        return self.back()


class UserActiveView(UserActionView):
    active = True  # as_view(active=False) deactivates

    def post(self, request, pk):
        try:
            changed = user_set_active(by=request.user, user=self.managed, active=self.active)
        except ValidationError as error:
            return self.refused(error)
        name = self.managed.get_full_name() or self.managed.username
        if not changed:
            messages.info(request, f"{name}的账号本来就是{'启用' if self.active else '停用'}状态，未作修改。")
        elif self.active:
            messages.success(request, f"已启用{name}的账号，可以重新登录。")
        else:
            messages.success(request, f"已停用{name}的账号：不能再登录，已登录的也会在下一次操作时退出。")
        return self.back()


class UserPasswordResetView(UserActionView):
    def post(self, request, pk):
        try:
            issued = user_password_reset(by=request.user, user=self.managed)
        except ValidationError as error:
            return self.refused(error)
        # Shown on this response only: no redirect, no message that would keep it.
        return render(request, PASSWORD_PAGE, {"issued": issued, "created": False})


class UserUnlockView(UserActionView):
    def post(self, request, pk):
        cleared = user_unlock(by=request.user, user=self.managed)
        name = self.managed.get_full_name() or self.managed.username
        if cleared:
            messages.success(request, f"已解除{name}的登录锁定，现在可以重新登录。")
        else:
            messages.info(request, f"{name}的账号没有被锁定，无需解除。")
        return self.back()


class ProfileView(LoginRequiredMixin, FormView):
    """个人设置: one's own email, mobile and the channels one is told through besides the inbox."""

    template_name = "accounts/profile.html"
    form_class = ProfileForm

    def get_initial(self):
        user = self.request.user
        return {name: getattr(user, name) for name in ("email", "mobile", *CHANNEL_FIELDS)}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "configured": configured_channels()}

    def get_context_data(self, **kwargs):
        configured = configured_channels()
        channels = [(name, channel in configured) for channel, name in CHANNEL_FIELDS.values()]
        return super().get_context_data(channels=channels, **kwargs)

    def form_valid(self, form):
        try:
            changed = profile_update(user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if changed:
            messages.success(self.request, "个人设置已保存。")
        else:
            messages.info(self.request, "没有修改任何内容。")
        return redirect("profile")
