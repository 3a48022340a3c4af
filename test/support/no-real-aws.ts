// Guard rail: no test may reach a real AWS host. Every endpoint points at a closed loopback port unless
// a test (or the simulator helper) sets a real simulator endpoint, and credentials never come from ~/.aws.
process.env.AWS_ENDPOINT_URL ??= 'http://127.0.0.1:9'
process.env.AWS_REGION ??= 'us-east-1'
process.env.AWS_ACCESS_KEY_ID ??= 'AKIANOTAREALKEY00000'
process.env.AWS_SECRET_ACCESS_KEY ??= 'not-a-real-secret'
process.env.AWS_EC2_METADATA_DISABLED = 'true'
process.env.AWS_CONFIG_FILE = '/dev/null'
process.env.AWS_SHARED_CREDENTIALS_FILE = '/dev/null'
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
