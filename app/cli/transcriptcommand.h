#pragma once

namespace smtpscope::cli {

class CliContext;

/// `smtpscope-cli transcript FILE...`: reads SMTP transcripts and mail logs as conversations.
int runTranscript(CliContext &context);

} // namespace smtpscope::cli
