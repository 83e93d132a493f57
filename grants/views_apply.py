"""Placeholder until the pages are written."""

from django.http import Http404


def start(request, *args, **kwargs):
    raise Http404


def application(request, *args, **kwargs):
    raise Http404


def check(request, *args, **kwargs):
    raise Http404


def withdraw(request, *args, **kwargs):
    raise Http404


def document(request, *args, **kwargs):
    raise Http404


def document_remove(request, *args, **kwargs):
    raise Http404


def section(request, *args, **kwargs):
    raise Http404
