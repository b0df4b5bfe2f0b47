#pragma once

#include "reply/replydecoder.h"

#include <QJsonObject>

namespace smtpscope::core {

/// JSON forms of decoded replies, shared by the CLI and the reports.
QJsonObject replyToJson(const Reply &reply);
QJsonObject classificationToJson(const Classification &classification);
QJsonObject decodingToJson(const Decoding &decoding);

} // namespace smtpscope::core
