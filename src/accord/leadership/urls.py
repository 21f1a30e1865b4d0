from django.urls import path

from accord.leadership import views

app_name = "leadership"
urlpatterns = [
    path("", views.home, name="home"),
    path("time/", views.time_log, name="time"),
    path("time/entries/<int:pk>/delete/", views.time_entry_delete, name="time_delete"),
    path("time/share/", views.time_share, name="time_share"),
    path("skills/", views.skills, name="skills"),
    path("skills/goals/<int:pk>/status/", views.goal_status, name="goal_status"),
    path("skills/mentorships/<int:pk>/end/", views.mentorship_end, name="mentorship_end"),
    path("skills/<str:username>/", views.plan_detail, name="plan"),
    path("skills/<str:username>/assess/", views.plan_assess, name="plan_assess"),
    path("skills/<str:username>/goals/", views.plan_goal, name="plan_goal"),
    path("skills/<str:username>/learning/", views.plan_learning, name="plan_learning"),
    path("skills/<str:username>/mentors/", views.plan_mentor, name="plan_mentor"),
    path("radar/", views.radar_page, name="radar"),
    path("radar/<int:pk>/", views.radar_entry, name="radar_entry"),
    path("radar/<int:pk>/edit/", views.radar_edit, name="radar_edit"),
    path("radar/<int:pk>/<str:step>/", views.radar_stance, name="radar_stance"),
]
