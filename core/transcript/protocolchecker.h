#pragma once

#include "transcript/transcript.h"

namespace smtpscope::core {

/// Reads a built session as an SMTP conversation: works out each recipient's outcome and finds
/// protocol problems (order, pipelining, TLS, sizes, malformed replies).
class ProtocolChecker
{
public:
    /// Adds the recipient outcomes the conversation shows (keeping those already present from a log)
    /// and the findings, on the session and on their steps.
    static void analyse(Session &session);

    /// The address in "TO:<a@b>" / "FROM: <a@b>" / "To:a@b"; empty when there is none.
    static QString addressOf(const QString &argument);
};

} // namespace smtpscope::core
