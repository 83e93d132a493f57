"""Placeholder until the pages are written."""

from django.http import Http404


def register(request, *args, **kwargs):
    raise Http404


def register_sent(request, *args, **kwargs):
    raise Http404


def verify(request, *args, **kwargs):
    raise Http404


def account(request, *args, **kwargs):
    raise Http404


def organisation_new(request, *args, **kwargs):
    raise Http404


def organisation(request, *args, **kwargs):
    raise Http404


def organisation_join(request, *args, **kwargs):
    raise Http404


def join_request_answer(request, *args, **kwargs):
    raise Http404
