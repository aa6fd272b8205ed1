"""A repository of cc_library targets for libraries installed by the system.

Each target carries only link options and compile definitions, because the
headers are in /usr/include, which the C++ toolchain searches already. The flags come
from pkg-config when Bazel sets the repository up, so a target links the same
transitive set of shared libraries (Abseil's many -labsl_* among them) that
the CMake build gets from the packages' CMake configuration files.
"""

def _pkg_config(ctx, module):
    """Returns the cflags and the libs of a pkg-config module as two lists."""
    flags = []
    for option in ["--cflags", "--libs"]:
        result = ctx.execute(["pkg-config", option, module])
        if result.return_code != 0:
            fail("pkg-config {} {} failed: {}. Install the library's -dev package, which scripts/install-deps lists.".format(
                option,
                module,
                result.stderr.strip(),
            ))
        flags.append([flag for flag in result.stdout.strip().split(" ") if flag])
    return flags[0], flags[1]

def _system_libraries_impl(ctx):
    if not ctx.which("pkg-config"):
        fail("pkg-config is missing. Install it with: apt-get install pkg-config")

    build = ['package(default_visibility = ["//visibility:public"])', ""]
    for name, items in sorted(ctx.attr.libraries.items()):
        defines = []
        linkopts = []
        for item in items:
            if item.startswith("-D"):
                defines.append(item[2:])
            elif item.startswith("-"):
                linkopts.append(item)
            else:
                cflags, libs = _pkg_config(ctx, item)
                for flag in cflags:
                    if flag.startswith("-D"):
                        defines.append(flag[2:])
                    elif flag != "-I/usr/include":
                        fail("pkg-config module {} needs the compile flag {}, which {} does not support".format(
                            item,
                            flag,
                            ctx.attr.name,
                        ))
                linkopts.extend(libs)

        build.extend([
            "cc_library(",
            "    name = {},".format(repr(name)),
            "    defines = {},".format(repr(defines)),
            "    linkopts = {},".format(repr(linkopts)),
            ")",
            "",
        ])

    ctx.file("WORKSPACE", 'workspace(name = "{}")\n'.format(ctx.attr.name))
    ctx.file("BUILD", "\n".join(build))

system_libraries = repository_rule(
    implementation = _system_libraries_impl,
    attrs = {
        "libraries": attr.string_list_dict(
            mandatory = True,
            doc = "Target name to its parts. A part starting with -D is a " +
                  "compile definition, any other part starting with - a " +
                  "link option, and the rest pkg-config module names.",
        ),
    },
    environ = ["PKG_CONFIG_PATH"],
    local = True,
)
