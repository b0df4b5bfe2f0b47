#pragma once

#include "reply/replydecoder.h"
#include "transcript/transcript.h"

#include <QJsonObject>

namespace smtpscope::core {

/// The JSON form of a transcript shared by the CLI and the tests' golden files:
/// {"source","dialect","sessions":[{"server","client","tls","steps","findings","outcome"}]}.
/// Recipient outcomes are classified with @p decoder (reason, hard); without one they stay undefined.
QJsonObject transcriptToJson(const Transcript &transcript, const ReplyDecoder *decoder);

/// The same as text with the keys in the documented order (QJsonDocument would sort them):
/// compact on one line, or indented by four spaces.
QByteArray transcriptToJsonText(const Transcript &transcript, const ReplyDecoder *decoder, bool indented = false);

/// transcriptToJsonText() in pieces, for sessions that come one at a time (TranscriptReader's session
/// sink): the head up to the sessions' '[', each session (@p first for the first one), and the tail.
QByteArray transcriptJsonHead(const QString &source, const QString &dialect, bool indented = false);
QByteArray transcriptJsonSession(
    const Session &session, const ReplyDecoder *decoder, bool first, bool indented = false);
QByteArray transcriptJsonTail(bool anySession, bool indented = false);

/// Writes any JSON value with the keys of the transcript format in their documented order.
QByteArray orderedJson(const QJsonValue &value, bool indented = false);

} // namespace smtpscope::core
