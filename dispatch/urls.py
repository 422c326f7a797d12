from django.urls import path

from dispatch.views import inbox, meetings, tasks

app_name = "dispatch"

urlpatterns = [
    # 调度会议 (views.meetings)
    path("meetings/", meetings.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", meetings.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meetings.MeetingEditView.as_view(), name="meeting_edit"),
    path("meetings/<int:pk>/minutes/", meetings.MeetingMinutesFileView.as_view(), name="meeting_minutes_file"),
    # 交办事项 (views.tasks): the board, assigning (?meeting= / ?problem= / ?project=), one task's loop
    path("tasks/", tasks.TaskBoardView.as_view(), name="task_board"),
    path("tasks/new/", tasks.TaskCreateView.as_view(), name="task_create"),
    path("tasks/<int:pk>/", tasks.TaskDetailView.as_view(), name="task_detail"),
    path("tasks/<int:pk>/start/", tasks.TaskStartView.as_view(), name="task_start"),
    path("tasks/<int:pk>/reply/", tasks.TaskReplyView.as_view(), name="task_reply"),
    path("tasks/<int:pk>/close/", tasks.TaskCloseView.as_view(), name="task_close"),
    path("tasks/<int:pk>/return/", tasks.TaskReturnView.as_view(), name="task_return"),
    path("attachments/<int:pk>/", tasks.ReplyAttachmentView.as_view(), name="reply_attachment"),
    # 消息 (views.inbox)
    path("inbox/", inbox.InboxView.as_view(), name="inbox"),
    path("inbox/<int:pk>/", inbox.NotificationOpenView.as_view(), name="notification_open"),
    path("inbox/read-all/", inbox.InboxReadAllView.as_view(), name="inbox_read_all"),
]
