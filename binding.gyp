{
  "targets": [
    {
      "target_name": "corescope",
      "sources": [ "<!@(node scripts/native-sources.mjs)" ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native"
      ],
      "defines": [ "NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS" ],
      "cflags!": [ "-fno-exceptions", "-fno-rtti" ],
      "cflags_cc!": [ "-fno-exceptions", "-fno-rtti", "-std=gnu++17" ],
      "cflags_cc": [ "-std=c++17", "-O2", "-fexceptions", "-frtti", "-fvisibility=hidden", "-Wall", "-Wextra", "-Wno-unused-parameter" ],
      "ldflags": [ "-pthread" ]
    }
  ]
}
