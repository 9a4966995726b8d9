"""The ASEAN Member States, by ISO 3166-1 alpha-3 code: the region every framework here is about."""

ASEAN_MEMBER_STATES = {
    "BRN": "Brunei Darussalam",
    "KHM": "Cambodia",
    "IDN": "Indonesia",
    "LAO": "Lao People's Democratic Republic",
    "MYS": "Malaysia",
    "MMR": "Myanmar",
    "PHL": "Philippines",
    "SGP": "Singapore",
    "THA": "Thailand",
    "VNM": "Viet Nam",
}
