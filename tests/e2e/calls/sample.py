"""What callers hear from the sample flows (flows/main.yaml, flows/choose_language.yaml), copied exactly."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

SEOUL = timezone(timedelta(hours=9))
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=SEOUL)     # open (FakeClock's default moment)
MONDAY_20 = datetime(2026, 3, 2, 20, 0, tzinfo=SEOUL)     # after hours
SUNDAY_11 = datetime(2026, 3, 1, 11, 0, tzinfo=SEOUL)     # closed all day
NEW_YEAR_11 = datetime(2026, 1, 1, 11, 0, tzinfo=SEOUL)   # a Thursday, holiday (신정)
EVE_11 = datetime(2026, 12, 24, 11, 0, tzinfo=SEOUL)      # short day 09:00-12:00: open
EVE_13 = datetime(2026, 12, 24, 13, 0, tzinfo=SEOUL)      # short day: closed, though Thursdays open until 18:00
SATURDAY_12 = datetime(2026, 3, 7, 12, 30, tzinfo=SEOUL)  # open until 13:00
SATURDAY_14 = datetime(2026, 3, 7, 14, 0, tzinfo=SEOUL)

VIP_CALLER = "+821099990000"
AGENT_NUMBER = "+18005550199"

# Order numbers and what the demo order service says of them (a hash of the number; eta from the clock's date).
DELIVERED, IN_TRANSIT, PREPARING, UNKNOWN = "1003", "1000", "1001", "0000"

GREETING = "안녕하세요, 고객센터입니다."
LANGUAGE_PROMPT = "한국어는 1번을 누르세요. For English, press 2."
LANGUAGE_INVALID_KO = "잘못 누르셨습니다."
CLOSED_KO = "지금은 상담 시간이 아닙니다. 상담 시간은 평일 오전 9시부터 오후 6시, 토요일 오전 9시부터 오후 1시입니다. 상담 시간이 시작되면 전화를 받으시려면 1번, 음성 메시지를 남기시려면 2번을 누르세요."
CLOSED_EN = "We are closed now. Our hours are 9 AM to 6 PM on weekdays and 9 AM to 1 PM on Saturdays. To be called back when we open, press 1. To leave a message, press 2."
VOICEMAIL_KO = "삐 소리가 나면 메시지를 남겨 주세요. 마치시려면 우물 정자를 누르세요."
VOICEMAIL_EN = "Please leave a message after the beep. Press pound when you are done."
SAVED_KO = "메시지가 저장되었습니다. 빠르게 연락드리겠습니다."
NOTHING_RECORDED_KO = "녹음된 메시지가 없습니다. 다음에 다시 전화해 주세요."
SAVED_EN = "Your message has been saved. We will call you back soon."
VIP_KO = "우수 고객님, 항상 감사드립니다."
VIP_EN = "Thank you for being a valued customer."

MENU_KO = "배송 조회는 1번, 요금 및 환불은 2번, 기술 지원은 3번, 상담원 연결은 0번, 다시 듣기는 9번을 누르세요."
MENU_EN = ("For delivery status, press 1. For billing and refunds, press 2. For technical support, press 3. "
           "To speak to an agent, press 0. To hear these options again, press 9.")
SHORT_MENU_KO = "배송 1번, 요금 2번, 기술 지원 3번, 상담원 0번."
SHORT_MENU_EN = "Delivery 1, billing 2, support 3, agent 0."
INVALID_KO = "죄송합니다, 없는 번호입니다. 다시 선택해 주세요."
NO_INPUT_KO = "입력이 없었습니다. 다시 안내해 드리겠습니다."

ORDER_KO = "주문 번호를 입력하신 후 우물 정자를 눌러 주세요."
ORDER_EN = "Please enter your order number, then press pound."
ORDER_INVALID_EN = "An order number has 4 to 12 digits."
DELIVERED_EN = "Order number 1 0 0 3 was delivered on March 2, 2026."
IN_TRANSIT_EN = "Order number 1 0 0 0 is on its way and should arrive on March 3, 2026."
PREPARING_EN = "Order number 1 0 0 1 is being prepared and should arrive on March 4, 2026."
IN_TRANSIT_KO = "주문 번호 1 0 0 0번은 배송 중이며, 2026년 3월 3일 도착 예정입니다."
UNKNOWN_EN = "We could not find order number 0 0 0 0."
ANYTHING_ELSE_KO = "처음으로 돌아가려면 1번, 통화를 마치려면 2번을 누르세요."
ANYTHING_ELSE_EN = "To return to the main menu, press 1. To end the call, press 2."

BILLING_EN = "Connecting you to billing and refunds."
SUPPORT_EN = "Connecting you to technical support."
AGENT_KO = "상담원에게 연결해 드리겠습니다."
AGENT_EN = "Connecting you to an agent."
BUSY_EN = "All our agents are busy right now. To leave a message, press 1. To end the call, press 2."
SURVEY_INTRO_EN = "Please answer two short questions about your call."
SURVEY_RESOLVED_EN = "If your question was answered, press 1. If not, press 2."
SURVEY_SCALE_EN = "How satisfied were you, from 1 to 5?"
SURVEY_INVALID_EN = "Please press a key from 1 to 5."
GOODBYE_KO = "이용해 주셔서 감사합니다. 안녕히 계세요."
GOODBYE_EN = "Thank you for calling. Goodbye."
