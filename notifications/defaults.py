"""The message templates the data migration seeds; staff edit them in the admin afterwards.

Django template syntax, plain text (nothing is HTML-escaped). Each template receives only
plain values (strings, numbers), never model objects, so an edited template cannot reach
data the message was not meant to carry. No template receives a phone number, an identity
number or the case's access code.

SMS texts start with the sender's signature (`SMS_SIGN_NAME`); remove `【{{ sign }}】` if the
gateway adds the registered signature itself.
"""

from __future__ import annotations

from typing import Any

# Variables every template receives.
COMMON = ("sign", "recipient_name", "tracking_number", "case_number", "organization_name")
# And those of each template code.
VARIABLES: dict[str, tuple[str, ...]] = {
    "case_received": (),
    "routed": ("window_ends", "organization_address", "organization_phone"),
    "mediation_session_scheduled": ("scheduled_for", "location"),
    "hearing_notice": ("scheduled_for", "location", "postponed"),
    "award_issued": (),
    "hearing_reminder": ("kind", "due_on", "hearing_at", "location", "working_days_left"),
    "defence_due": ("kind", "due_on", "working_days_left"),
    "agreement_performance_due": ("kind", "due_on", "working_days_left"),
    "deadline_warning": ("kind", "clock_label", "due_on", "working_days_left", "basis"),
    "overdue": ("kind", "clock_label", "due_on", "basis"),
}

_CASE = "{{ case_number|default:tracking_number }}"

# (code, channel, subject, body)
TEMPLATES: list[tuple[str, str, str, str]] = [
    # -- to the parties, when something happens -------------------------------------------
    ("case_received", "sms", "",
     "【{{ sign }}】{{ recipient_name }}您好，您的劳动争议申请已收到，查询编号 "
     "{{ tracking_number }}。可凭查询编号和查询码查询办理进度，请勿将查询码告诉他人。"),
    ("case_received", "email", "劳动争议申请已收到（{{ tracking_number }}）",
     "{{ recipient_name }}您好：\n\n您的劳动争议申请已收到，查询编号 {{ tracking_number }}。"
     "工作人员将尽快确定由哪个调解组织或仲裁委员会办理，并与您联系。\n\n"
     "您可以凭查询编号和查询码查询办理进度。请勿将查询码告诉他人。\n\n{{ sign }}"),
    ("case_received", "web", "申请已收到",
     "您的劳动争议申请已收到，查询编号 {{ tracking_number }}。"),
    ("routed", "sms", "",
     "【{{ sign }}】您的案件（{{ tracking_number }}）已转{{ organization_name }}调解"
     "{% if window_ends %}，调解期限至 {{ window_ends }}{% endif %}。"
     "{% if organization_address %}地址：{{ organization_address }}。{% endif %}"
     "{% if organization_phone %}电话：{{ organization_phone }}。{% endif %}"),
    ("routed", "email", "您的案件已转{{ organization_name }}调解（{{ tracking_number }}）",
     "{{ recipient_name }}您好：\n\n您的案件（{{ tracking_number }}）已转"
     "{{ organization_name }}调解。{% if window_ends %}调解期限至 {{ window_ends }}；期满未达成"
     "协议的，当事人可以申请仲裁（《劳动争议调解仲裁法》第十四条）。{% endif %}\n"
     "{% if organization_address %}\n地址：{{ organization_address }}{% endif %}"
     "{% if organization_phone %}\n电话：{{ organization_phone }}{% endif %}\n\n{{ sign }}"),
    ("routed", "web", "案件已转调解",
     "您的案件（{{ tracking_number }}）已转{{ organization_name }}调解"
     "{% if window_ends %}，调解期限至 {{ window_ends }}{% endif %}。"),
    ("mediation_session_scheduled", "sms", "",
     "【{{ sign }}】您的案件（{{ tracking_number }}）定于 {{ scheduled_for }} 在{{ location }}"
     "进行调解，请准时参加。"),
    ("mediation_session_scheduled", "email", "调解时间通知（{{ tracking_number }}）",
     "{{ recipient_name }}您好：\n\n您的案件（{{ tracking_number }}）定于 {{ scheduled_for }} "
     "在{{ location }}进行调解，请准时参加。\n\n{{ organization_name }}\n{{ sign }}"),
    ("mediation_session_scheduled", "web", "调解时间通知",
     "您的案件（{{ tracking_number }}）定于 {{ scheduled_for }} 在{{ location }}进行调解。"),
    ("hearing_notice", "sms", "",
     "【{{ sign }}】您的案件（" + _CASE + "）{% if postponed %}已延期，改{% endif %}定于 "
     "{{ scheduled_for }} 在{{ location }}开庭，请携带身份证件和证据原件准时到庭。"
     "有正当理由需延期的，应在开庭 3 日前提出。"),
    ("hearing_notice", "email", "开庭通知（" + _CASE + "）",
     "{{ recipient_name }}您好：\n\n您的案件（" + _CASE + "）{% if postponed %}已延期，改"
     "{% endif %}定于 {{ scheduled_for }} 在{{ location }}开庭。请携带身份证件和证据原件准时"
     "到庭。当事人有正当理由的，可以在开庭 3 日前请求延期开庭（《劳动争议调解仲裁法》"
     "第三十五条）。\n\n{{ organization_name }}\n{{ sign }}"),
    ("hearing_notice", "web", "开庭通知",
     "您的案件（" + _CASE + "）{% if postponed %}已延期，改{% endif %}定于 {{ scheduled_for }} "
     "在{{ location }}开庭。"),
    ("award_issued", "sms", "",
     "【{{ sign }}】仲裁庭已对您的案件（" + _CASE + "）作出裁决，请及时签收裁决书。对非终局"
     "裁决不服的，可自收到裁决书之日起 15 日内向人民法院起诉。"),
    ("award_issued", "email", "裁决已作出（" + _CASE + "）",
     "{{ recipient_name }}您好：\n\n仲裁庭已对您的案件（" + _CASE + "）作出裁决，请及时签收"
     "裁决书。对非终局裁决不服的，可以自收到裁决书之日起 15 日内向人民法院提起诉讼"
     "（《劳动争议调解仲裁法》第五十条）。\n\n{{ organization_name }}\n{{ sign }}"),
    ("award_issued", "web", "裁决已作出",
     "仲裁庭已对您的案件（" + _CASE + "）作出裁决，请及时签收裁决书。"),
    # -- reminders about hearings and documents: parties and staff -------------------------
    ("hearing_reminder", "sms", "",
     "【{{ sign }}】开庭提醒：案件 " + _CASE + " 定于 {{ hearing_at }} 在{{ location }}开庭"
     "{% if kind == 'due_today' %}，就在今天{% else %}（还有 {{ working_days_left }} 个工作日）"
     "{% endif %}，请准时到庭。"),
    ("hearing_reminder", "email", "开庭提醒（" + _CASE + "）",
     "案件 " + _CASE + " 定于 {{ hearing_at }} 在{{ location }}开庭"
     "{% if kind == 'due_today' %}，就在今天{% else %}，还有 {{ working_days_left }} 个工作日"
     "{% endif %}。请准时到庭。\n\n{{ organization_name }}\n{{ sign }}"),
    ("hearing_reminder", "web", "开庭提醒",
     "案件 " + _CASE + " 定于 {{ hearing_at }} 在{{ location }}开庭"
     "{% if kind == 'due_today' %}，就在今天{% else %}（还有 {{ working_days_left }} 个工作日）"
     "{% endif %}。"),
    ("defence_due", "sms", "",
     "【{{ sign }}】答辩提醒：案件 " + _CASE + " 的答辩期限"
     "{% if kind == 'due_today' %}今天（{{ due_on }}）届满{% else %}将于 {{ due_on }} 届满"
     "{% endif %}。被申请人可在期限内向仲裁委员会提交答辩书；逾期未答辩的，不影响仲裁程序进行。"),
    ("defence_due", "email", "答辩期限提醒（" + _CASE + "）",
     "案件 " + _CASE + " 的答辩期限{% if kind == 'due_today' %}今天（{{ due_on }}）届满"
     "{% else %}将于 {{ due_on }} 届满{% endif %}。被申请人可以在期限内向仲裁委员会提交答辩书；"
     "逾期未提交的，不影响仲裁程序的进行（《劳动争议调解仲裁法》第三十条）。\n\n{{ sign }}"),
    ("defence_due", "web", "答辩期限提醒",
     "案件 " + _CASE + " 的答辩期限{% if kind == 'due_today' %}今天（{{ due_on }}）届满"
     "{% else %}将于 {{ due_on }} 届满{% endif %}。"),
    ("agreement_performance_due", "sms", "",
     "【{{ sign }}】履行提醒：案件 {{ tracking_number }} 的调解协议约定履行期限"
     "{% if kind == 'overdue' %}已于 {{ due_on }} 届满。用人单位未按协议履行的，劳动者可以依法"
     "申请仲裁；涉及劳动报酬、工伤医疗费、经济补偿或赔偿金的，还可以申请支付令。"
     "{% elif kind == 'due_today' %}今天（{{ due_on }}）届满，请按协议履行。"
     "{% else %}为 {{ due_on }}，请按协议按时履行。{% endif %}"),
    ("agreement_performance_due", "email", "调解协议履行提醒（{{ tracking_number }}）",
     "案件 {{ tracking_number }} 的调解协议约定履行期限"
     "{% if kind == 'overdue' %}已于 {{ due_on }} 届满。用人单位未按协议履行的，劳动者可以依法"
     "申请仲裁（《劳动争议调解仲裁法》第十五条）；涉及支付拖欠劳动报酬、工伤医疗费、经济补偿或者"
     "赔偿金的，可以持调解协议书依法向人民法院申请支付令（第十六条）。"
     "{% elif kind == 'due_today' %}今天（{{ due_on }}）届满，请按协议履行。"
     "{% else %}为 {{ due_on }}，请按协议按时履行。{% endif %}\n\n{{ organization_name }}\n"
     "{{ sign }}"),
    ("agreement_performance_due", "web", "调解协议履行提醒",
     "案件 {{ tracking_number }} 的调解协议约定履行期限"
     "{% if kind == 'overdue' %}已于 {{ due_on }} 届满。{% elif kind == 'due_today' %}今天"
     "（{{ due_on }}）届满。{% else %}为 {{ due_on }}。{% endif %}"),
    # -- reminders about the staff's own periods -------------------------------------------
    ("deadline_warning", "web", "期限提醒：{{ clock_label }}",
     "案件 {{ tracking_number }}{% if case_number %}（{{ case_number }}）{% endif %}的"
     "{{ clock_label }}{% if kind == 'due_today' %}今天（{{ due_on }}）届满{% else %}将于 "
     "{{ due_on }} 届满，还有 {{ working_days_left }} 个工作日{% endif %}，请及时办理。"
     "{% if basis %}依据：{{ basis }}。{% endif %}"),
    ("deadline_warning", "email", "期限提醒：案件 {{ tracking_number }} {{ clock_label }}",
     "案件 {{ tracking_number }}{% if case_number %}（{{ case_number }}）{% endif %}的"
     "{{ clock_label }}{% if kind == 'due_today' %}今天（{{ due_on }}）届满{% else %}将于 "
     "{{ due_on }} 届满，还有 {{ working_days_left }} 个工作日{% endif %}，请及时办理。\n"
     "{% if basis %}依据：{{ basis }}。\n{% endif %}\n{{ organization_name }}"),
    ("overdue", "web", "期限已届满：{{ clock_label }}",
     "案件 {{ tracking_number }}{% if case_number %}（{{ case_number }}）{% endif %}的"
     "{{ clock_label }}已于 {{ due_on }} 届满，相关事项尚未办结，请尽快处理。"
     "{% if basis %}依据：{{ basis }}。{% endif %}"),
    ("overdue", "email", "期限已届满：案件 {{ tracking_number }} {{ clock_label }}",
     "案件 {{ tracking_number }}{% if case_number %}（{{ case_number }}）{% endif %}的"
     "{{ clock_label }}已于 {{ due_on }} 届满，相关事项尚未办结，请尽快处理。\n"
     "{% if basis %}依据：{{ basis }}。\n{% endif %}\n{{ organization_name }}"),
]


def seed_templates(template_model: Any) -> None:
    """Create the templates that are missing; never overwrite what staff edited."""
    for code, channel, subject, body in TEMPLATES:
        template_model.objects.get_or_create(
            code=code, channel=channel, defaults={"subject": subject, "body": body}
        )
