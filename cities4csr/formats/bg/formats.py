# Bulgarian as it is written: 30.06.2027, 14:30, "6 февруари 2026" (Django's own
# "bg" formats leave DATETIME_FORMAT to the American default: "Дек. 3, 2026, 1:43
# след обяд", and write month names capitalised).
# Month names are the "alt. month" names ("E", "юни 2027"), which the project's
# catalogue gives in lower case, as Bulgarian writes them (core/catalogue.py);
# Django's Bulgarian writes "F" capitalised ("Юни").
DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j E"
YEAR_MONTH_FORMAT = "E Y"
FIRST_DAY_OF_WEEK = 1  # Monday
# What people type: 30.06.2027, 3.6.2027 (the same directives take one digit or
# two), 30.06.27, 2027-06-30 (what an <input type="date"> sends) and 30/06/2027.
# A date-time field also takes a date alone (Django reads DATE_INPUT_FORMATS after these).
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M",
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # a no-break space: "15 000"
NUMBER_GROUPING = 3
