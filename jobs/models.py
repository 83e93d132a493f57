"""A background job as the person who started it sees it: what it is, how far it has
gone, and what came of it. The queue itself (django-tasks) only carries the job's id:
this row is what pages read, whatever backend runs the work."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=80)
    title = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=JobStatus, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    # What the job works on: JSON the runner reads, and the file it was given (kept
    # through the storage API, so any worker on any machine can read it).
    params = models.JSONField(default=dict, blank=True)
    input_file = models.FileField(upload_to="jobs/input/", blank=True)
    input_name = models.CharField(max_length=255, blank=True)
    # What came of it: the runner's report, and a file to download.
    result = models.JSONField(default=dict, blank=True)
    result_file = models.FileField(upload_to="jobs/results/", blank=True)
    result_name = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The job this one led to, such as the import confirmed after a file's check.
    follow_up = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="preceded_by"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_over(self) -> bool:
        return self.status in (JobStatus.FINISHED, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.FINISHED:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)
