"""Placeholder until the pages are written."""

from django.http import Http404


def round_list(request, *args, **kwargs):
    raise Http404


def round_new(request, *args, **kwargs):
    raise Http404


def round_detail(request, *args, **kwargs):
    raise Http404


def round_edit(request, *args, **kwargs):
    raise Http404


def round_act(request, *args, **kwargs):
    raise Http404


def round_extend(request, *args, **kwargs):
    raise Http404


def round_export(request, *args, **kwargs):
    raise Http404


def application(request, *args, **kwargs):
    raise Http404


def application_screen(request, *args, **kwargs):
    raise Http404


def application_document(request, *args, **kwargs):
    raise Http404


def join_requests(request, *args, **kwargs):
    raise Http404


def join_request_answer(request, *args, **kwargs):
    raise Http404
