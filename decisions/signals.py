"""What the decision workflow tells the rest of the product, without knowing it.

``decision_approved`` is sent by the last effect of the APPROVE transition
(``workflow.announce_approval``), inside the approval's transaction, after the
record's allocations are approved, signed and dated: ``sender`` is ``Decision``,
``decision`` the record (its status already approved, not saved yet) and ``attempt``
the approval's ``Attempt`` (who approves, online or on paper). A receiver does its
part of the approval in the same transaction; if it raises, the whole approval is
refused and nothing of it is kept. Grant rounds (``grants.apps``) listen: the round
a record awards becomes decided. This app imports none of its listeners.
"""

from django.dispatch import Signal

decision_approved = Signal()
