from django.urls import path

from accord.steering import views

app_name = "steering"
urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/new/", views.new_meeting, name="new_meeting"),
    path("meetings/<int:pk>/", views.meeting_page, name="meeting"),
    path("meetings/<int:pk>/build/", views.build, name="build"),
    path("meetings/<int:pk>/announce/", views.announce, name="announce"),
    path("meetings/<int:pk>/items/new/", views.add_item, name="add_item"),
    path("meetings/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:pk>/pack/", views.pack, name="pack"),
    path("meetings/<int:pk>/pack/print/", views.print_pack, name="print_pack"),
    path("items/<int:pk>/decide/", views.decide, name="decide"),
    path("actions/", views.actions, name="actions"),
    path("actions/<int:pk>/close/", views.close_action, name="close_action"),
    path("members/", views.members, name="members"),
    path("members/<int:pk>/leave/", views.leave, name="leave"),
    path("settings/", views.settings_page, name="settings"),
    path("pack/", views.next_pack, name="next_pack"),
    path("packs/<int:pk>.pdf", views.pack_pdf, name="pack_pdf"),
]
