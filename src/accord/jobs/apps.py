from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "accord.jobs"
    label = "jobs"
    verbose_name = "Jobs: long work in the background"

    def ready(self) -> None:
        # Every app's `tasks` module registers its job kinds and tick steps; the web process needs
        # them to start jobs, the workers to run them.
        from accord.jobs.queue import load_tasks

        load_tasks()
