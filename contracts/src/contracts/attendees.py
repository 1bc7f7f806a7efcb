"""Who attends and what they need to take part: the shared vocabulary of the HTTP APIs
(the public registration form, the organiser desk, the registration service).

Never on a topic: roles are personal data and accessibility needs are health data
(GDPR art. 9), kept by the registration service only and given out over its APIs.
"""

from __future__ import annotations

from enum import StrEnum


class AttendeeRole(StrEnum):
    MAYOR = "mayor"
    ADMINISTRATION = "administration"
    COORDINATION = "coordination"
    VOLUNTEER = "volunteer"
    CIVIL_SOCIETY = "civil_society"
    SCIENCE = "science"
    OTHER = "other"


class AccessibilityNeed(StrEnum):
    STEP_FREE = "step_free"
    SIGN_LANGUAGE = "sign_language"
    INDUCTION_LOOP = "induction_loop"
    EASY_LANGUAGE = "easy_language"
    OTHER = "other"
